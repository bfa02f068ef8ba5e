// DESIGN §8's Lambda targets: each handler bundle (esbuild, minified, AWS SDK bundled, as SST
// builds it) ≤ 800 KB, and its cold module load ≤ 1.2× that of the lean reference bundle, both
// measured in fresh node processes, interleaved, median of the runs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { linkNames } from "@coffer/functions/links";
import { functionRoutes } from "@coffer/functions/routes";
import { median, medianRatio } from "../lib/stats";
import type { Figure, Suite } from "../lib/suite";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const coldLoadScript = fileURLToPath(new URL("../bundles/cold-load.mjs", import.meta.url));

/** What SST's Node.js builder does for a function: ESM, Node 22, minified, everything bundled. */
async function bundle(entry: string, outfile: string): Promise<number> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    minify: true,
    mainFields: ["module", "main"],
    banner: {
      js: "import { createRequire as topLevelCreateRequire } from 'module'; const require = topLevelCreateRequire(import.meta.url);",
    },
    logLevel: "error",
  });
  return statSync(outfile).size;
}

/** The links and settings a deployed function has, so that module load builds its clients. */
const lambdaEnvironment = {
  ...process.env,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "bench",
  AWS_SECRET_ACCESS_KEY: "bench",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  SST_RESOURCE_App: JSON.stringify({ name: "coffer", stage: "bench" }),
  [`SST_RESOURCE_${linkNames.table}`]: JSON.stringify({ type: "sst.aws.Dynamo", name: "bench" }),
  [`SST_RESOURCE_${linkNames.binObjects}`]: JSON.stringify({ type: "sst.aws.Bucket", name: "bench" }),
  [`SST_RESOURCE_${linkNames.keys}`]: JSON.stringify({
    type: "sst.sst.Linkable",
    keys: {
      default: "arn:aws:kms:us-east-1:111122223333:key/x",
      pii: "arn:aws:kms:us-east-1:111122223333:key/y",
      bins: "arn:aws:kms:us-east-1:111122223333:key/z",
    },
    seal: "arn:aws:kms:us-east-1:111122223333:key/s",
  }),
};

const coldLoadMs = (file: string) =>
  Number(
    execFileSync(process.execPath, [coldLoadScript, file], { env: lambdaEnvironment, encoding: "utf8" }),
  );

export const lambdaBundles: Suite = {
  name: "Lambda bundles",
  async run({ settings, log }) {
    const dir = mkdtempSync(join(tmpdir(), "coffer-bundles-"));
    try {
      const reference = join(dir, "reference.mjs");
      const referenceBytes = await bundle(
        fileURLToPath(new URL("../bundles/reference.ts", import.meta.url)),
        reference,
      );
      const figures: Figure[] = [
        { name: "lambda.reference.bundle_kb", value: referenceBytes / 1000, unit: "KB" },
      ];
      const runs = settings.quick ? 5 : 10;
      for (const [name, route] of Object.entries(functionRoutes)) {
        const file = join(dir, `${name}.mjs`);
        const entry = join(repoRoot, `${route.handler.slice(0, route.handler.lastIndexOf("."))}.ts`);
        const bytes = await bundle(entry, file);
        log(
          `lambda: ${name} bundle ${(bytes / 1000).toFixed(0)} KB; ${runs} cold loads each, interleaved with the reference`,
        );
        const ours: number[] = [];
        const theirs: number[] = [];
        for (let run = 0; run < runs; run++) {
          if (run % 2 === 0) (ours.push(coldLoadMs(file)), theirs.push(coldLoadMs(reference)));
          else (theirs.push(coldLoadMs(reference)), ours.push(coldLoadMs(file)));
        }
        figures.push(
          { name: `lambda.${name}.bundle_kb`, value: bytes / 1000, unit: "KB", target: { atMost: 800 } },
          { name: `lambda.${name}.cold_load_ms`, value: median(ours), unit: "ms" },
          {
            name: `lambda.${name}.cold_load.vs_reference`,
            value: medianRatio(ours, theirs),
            unit: "ratio",
            target: { atMost: 1.2 },
          },
        );
        figures.push({ name: `lambda.reference.cold_load_ms.vs_${name}`, value: median(theirs), unit: "ms" });
      }
      return figures;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
