// Lambda handlers bundled as SST's Node.js builder bundles a deployed function (esbuild, ESM, Node
// 22, minified, `module` before `main`, everything including the AWS SDK in one file). The bench
// measures these bundles against DESIGN §8's targets; the functions' tests check what goes into
// them. One definition, so that both look at the same files.
import { build, type Metafile } from "esbuild";
import { join } from "node:path";
import { type FunctionRoute, handlerSource } from "@coffer/functions/routes";
import { repoRoot } from "./repo-root";

export interface LambdaBundle {
  /** The bundle's size in bytes. */
  bytes: number;
  /** Which source files went in (paths relative to the repository root) and their bytes in it. */
  inputs: Metafile["outputs"][string]["inputs"];
  /** Where it was written (`<outdir>/<name>.mjs`), when an outdir was given. */
  file: string;
}

/** The TypeScript file a route's SST handler string (`path/to/file.export`) names. */
export const handlerEntry = (route: Pick<FunctionRoute, "handler">): string =>
  join(repoRoot, handlerSource(route.handler).file);

/**
 * Bundles each entry (name → TypeScript file) into a bundle of its own, in one esbuild run (the
 * shared dependencies are parsed once). Written to `outdir` as `<name>.mjs` when given, to be
 * loaded; otherwise kept in memory, for their size and inputs.
 */
export async function bundleLambdas(
  entries: Record<string, string>,
  outdir?: string,
): Promise<Record<string, LambdaBundle>> {
  const result = await build({
    entryPoints: Object.entries(entries).map(([name, entry]) => ({ in: entry, out: name })),
    outdir: outdir ?? join(repoRoot, "dist", "lambda-bundles"),
    outExtension: { ".js": ".mjs" },
    write: outdir !== undefined,
    absWorkingDir: repoRoot,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    minify: true,
    mainFields: ["module", "main"],
    banner: {
      js: "import { createRequire as topLevelCreateRequire } from 'module'; const require = topLevelCreateRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: "error",
  });
  const bundles: Record<string, LambdaBundle> = {};
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    const name = Object.keys(entries).find((n) => file.endsWith(`/${n}.mjs`));
    if (name) bundles[name] = { bytes: output.bytes, inputs: output.inputs, file: join(repoRoot, file) };
  }
  const missing = Object.keys(entries).filter((name) => !bundles[name]);
  if (missing.length > 0) throw new Error(`esbuild wrote no bundle for ${missing.join(", ")}`);
  return bundles;
}
