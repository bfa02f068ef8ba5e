// The layer rules of .dependency-cruiser.cjs, each shown to catch a planted violation. Every case
// builds a scratch repository (a few files in the real layout, packages linked by name as npm
// workspaces link them) and cruises it with the real rule set, so the rules are tested exactly as
// `npm run lint` applies them, without touching this checkout.
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import { afterAll, expect, test } from "vitest";
import { repoRoot } from "./repo-root";

const config = createRequire(import.meta.url)(join(repoRoot, ".dependency-cruiser.cjs"));
const packages = ["sealing", "core", "functions", "client", "web", "cli", "local", "testkit"];
/** Modules that the planted imports point at, present unless a case writes its own. */
const targets = ["core/src/config/index.ts", "local/src/kms/index.ts", "testkit/src/stack.ts"];
const scratchRoots: string[] = [];
afterAll(() => scratchRoots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function write(root: string, path: string, text: string) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** A scratch repository holding `files`; every package resolves by name, as in this checkout. */
function scratchRepository(files: Record<string, string>): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "coffer-layers-")));
  scratchRoots.push(root);
  for (const name of packages) {
    const { exports } = JSON.parse(readFileSync(join(repoRoot, `packages/${name}/package.json`), "utf8"));
    write(
      root,
      `packages/${name}/package.json`,
      JSON.stringify({ name: `@coffer/${name}`, type: "module", exports }),
    );
    write(root, `packages/${name}/src/index.ts`, "export const here = true;\n");
    mkdirSync(join(root, "node_modules/@coffer"), { recursive: true });
    symlinkSync(`../../packages/${name}`, join(root, `node_modules/@coffer/${name}`));
  }
  for (const scope of ["@trpc", "react", "@aws-lambda-powertools"])
    symlinkSync(join(repoRoot, "node_modules", scope), join(root, "node_modules", scope));
  for (const target of targets) write(root, `packages/${target}`, "export const here = true;\n");
  for (const [path, text] of Object.entries(files)) write(root, path, text);
  return root;
}

/** The violations that `npm run lint` would report for `files`, as "rule: from -> to". */
async function violationsOf(files: Record<string, string>): Promise<string[]> {
  const root = scratchRepository(files);
  const { output } = await cruise(["packages"], {
    ...config.options,
    tsConfig: undefined,
    baseDir: root,
    ruleSet: { forbidden: config.forbidden },
    validate: true,
  });
  const result = output as ICruiseResult;
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

test("a tree that follows the layers has no violation", async () => {
  expect(
    await violationsOf({
      "packages/core/src/bins/index.ts": 'import { here } from "@coffer/sealing/bins";\nexport { here };\n',
      "packages/sealing/src/bins/index.ts": "export const seal = () => globalThis.crypto;\n",
      "packages/web/src/page.ts":
        'import type { here } from "@coffer/functions/router";\nimport { seal } from "@coffer/sealing/bins";\nimport { client } from "@coffer/client";\nexport type T = typeof here;\nexport { seal, client };\n',
      "packages/client/src/index.ts":
        'export { routes } from "@coffer/functions/routes";\nexport const client = 1;\n',
      "packages/cli/src/main.ts":
        'import { client } from "@coffer/client";\nimport { seal } from "@coffer/sealing/bins";\nimport type { here } from "@coffer/functions/router";\nexport type T = typeof here;\nexport { client, seal };\n',
      "packages/functions/src/routes.ts": "export const routes = {};\n",
      "packages/functions/src/app-router.ts": "export const here = 1;\n",
      "packages/core/src/bins/service.test.ts":
        'import { stack } from "@coffer/testkit/stack";\nexport { stack };\n',
      "packages/testkit/src/stack.ts":
        'import { kms } from "@coffer/local/kms";\nexport const stack = kms;\n',
      "packages/local/src/kms/index.ts":
        'import { here } from "@coffer/core/bins";\nexport const kms = here;\n',
    }),
  ).toEqual([]);
});

test.each<{ rule: string; files: Record<string, string> }>([
  {
    rule: "sealing-is-browser-safe",
    files: {
      "packages/sealing/src/bins/index.ts":
        'import { randomBytes } from "node:crypto";\nexport { randomBytes };\n',
    },
  },
  {
    rule: "core-is-pure",
    files: {
      "packages/core/src/records/index.ts":
        'import { initTRPC } from "@trpc/server";\nexport { initTRPC };\n',
    },
  },
  {
    rule: "core-is-pure",
    files: {
      "packages/core/src/records/index.ts":
        'import { Logger } from "@aws-lambda-powertools/logger";\nexport { Logger };\n',
    },
  },
  {
    rule: "functions-stay-server-side",
    files: {
      "packages/functions/src/handler.ts": 'import { here } from "@coffer/client";\nexport { here };\n',
    },
  },
  {
    rule: "web-talks-through-the-client",
    files: {
      "packages/web/src/page.ts": 'import { limits } from "@coffer/core/config";\nexport { limits };\n',
    },
  },
  {
    rule: "cli-talks-through-the-client",
    files: {
      "packages/cli/src/main.ts": 'import { limits } from "@coffer/core/config";\nexport { limits };\n',
    },
  },
  {
    rule: "web-is-browser-code",
    files: {
      "packages/web/src/page.ts": 'import { readFileSync } from "node:fs";\nexport { readFileSync };\n',
    },
  },
  {
    rule: "client-entry-is-browser-code",
    files: {
      "packages/client/src/index.ts":
        'import { createLocalMode } from "./local";\nexport { createLocalMode };\n',
      "packages/client/src/local.ts": "export const createLocalMode = 1;\n",
    },
  },
  {
    rule: "testkit-only-in-tests",
    files: {
      "packages/local/src/main.ts": 'import { here } from "@coffer/testkit/stack";\nexport { here };\n',
    },
  },
  {
    rule: "local-only-from-the-top",
    files: {
      "packages/client/src/index.ts": 'import { here } from "@coffer/local/kms";\nexport { here };\n',
    },
  },
  {
    rule: "packages-by-name",
    files: {
      "packages/local/src/kms/index.ts":
        'import { here } from "../../../core/src/config";\nexport { here };\n',
    },
  },
])("a planted violation of $rule is reported", async ({ rule, files }) => {
  const violations = await violationsOf(files);
  expect(violations.length).toBeGreaterThan(0);
  expect(
    violations.every((line) => line.startsWith(`${rule}: `)),
    violations.join("\n"),
  ).toBe(true);
});

test("a runtime cycle between packages is reported (core -> local -> core)", async () => {
  const violations = await violationsOf({
    "packages/core/src/crypto/index.ts":
      'import { kms } from "@coffer/local/kms";\nexport const crypto = kms;\n',
    "packages/local/src/kms/index.ts":
      'import { crypto } from "@coffer/core/crypto";\nexport const kms = crypto;\n',
  });
  expect(violations).toContain(
    "no-cycles-at-runtime: packages/core/src/crypto/index.ts -> packages/local/src/kms/index.ts",
  );
  expect(violations).toContain(
    "local-only-from-the-top: packages/core/src/crypto/index.ts -> packages/local/src/kms/index.ts",
  );
});
