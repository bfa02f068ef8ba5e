// DESIGN §8's Lambda targets: each handler bundle (esbuild, minified, AWS SDK bundled, as SST
// builds it) ≤ 800 KB, and its cold module load ≤ 1.2× that of the lean reference bundle, both
// measured in fresh node processes, interleaved, median of the runs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { linkNames } from "@coffer/functions/links";
import { functionRoutes } from "@coffer/functions/routes";
import { bundleLambdas, handlerEntry } from "@coffer/testkit/lambda-bundle";
import { median, medianRatio } from "../lib/stats";
import type { Figure, Suite } from "../lib/suite";

const coldLoadScript = fileURLToPath(new URL("../bundles/cold-load.mjs", import.meta.url));

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
      const bundles = await bundleLambdas(
        {
          reference: fileURLToPath(new URL("../bundles/reference.ts", import.meta.url)),
          ...Object.fromEntries(
            Object.entries(functionRoutes).map(([name, route]) => [name, handlerEntry(route)]),
          ),
        },
        dir,
      );
      const { file: reference, bytes: referenceBytes } = bundles.reference!;
      const figures: Figure[] = [
        { name: "lambda.reference.bundle_kb", value: referenceBytes / 1000, unit: "KB" },
      ];
      const runs = settings.quick ? 5 : 10;
      for (const name of Object.keys(functionRoutes)) {
        const { file, bytes } = bundles[name]!;
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
