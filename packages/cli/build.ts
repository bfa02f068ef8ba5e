// Builds the `coffer` command into one self-contained ESM file: what a release would ship, and what
// the CLI tests run. `bin/coffer.mjs` (the developer entry) compiles the TypeScript sources with
// tsx at every start (about 1.2 s of CPU, 1.6 s on an idle machine, several seconds on a busy one);
// the bundle starts on about a fifth of that CPU and needs nothing but Node 20.
//
//   npm run build:cli                    → packages/cli/dist/coffer.mjs
//   node --import tsx packages/cli/build.ts <outfile>
import { chmod } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const packageDir = dirname(fileURLToPath(import.meta.url));
export const defaultOutfile = join(packageDir, "dist/coffer.mjs");

// Commander and cli-progress are CommonJS and `require` Node's modules; an ESM bundle has no
// `require` of its own, so it gets one from createRequire (esbuild's documented workaround).
const banner = [
  "#!/usr/bin/env node",
  'import { createRequire as __cofferCreateRequire } from "node:module";',
  "const require = __cofferCreateRequire(import.meta.url);",
].join("\n");

/** Bundles src/main.ts and its dependencies into `outfile` (made executable); returns its path. */
export async function buildCli(outfile: string = defaultOutfile): Promise<string> {
  await build({
    // The same two lines as bin/coffer.mjs, without tsx.
    stdin: {
      contents: 'import { main } from "./src/main.ts";\nprocess.exitCode = await main(process.argv);\n',
      resolveDir: packageDir,
      sourcefile: "coffer-entry.ts",
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    banner: { js: banner },
    outfile,
    logLevel: "warning",
  });
  await chmod(outfile, 0o755);
  return outfile;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const written = await buildCli(process.argv[2] ? resolve(process.argv[2]) : defaultOutfile);
  console.log(`coffer bundle written to ${written}`);
}
