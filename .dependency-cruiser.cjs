// The layer rules, stated once. `npm run lint` runs them; lint-rules.test.ts plants a violation of
// each in a scratch tree and checks that it is caught. From the bottom up:
//   @coffer/sealing    browser-safe formats on WebCrypto alone: nothing else
//   @coffer/core       the domain: sealing and the AWS SDK/ElectroDB/zod, never tRPC, Lambda, SST, React
//   @coffer/functions  tRPC routers and Lambda handlers over core
//   @coffer/client     the typed client: the route table, the router's type, core's pure config;
//                      its /node entry adds local mode over core's crypto
//   @coffer/web        React pages: only the client, sealing and its own files (router types allowed)
//   @coffer/cli        the `coffer` command: a thin adapter over the client and sealing
//   @coffer/local      the local stack: may run everything above
//   @coffer/testkit    test support: imported only by tests and bench
// Tests (*.test.ts, e2e/) and bench/ may reach across layers, but only through package names.

const TEST_OR_BENCH = "(\\.test\\.tsx?$|/e2e/|^bench/|^packages/testkit/)";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "sealing-is-browser-safe",
      comment: "@coffer/sealing runs in the browser: WebCrypto only, no node: module, no other package.",
      severity: "error",
      from: { path: "^packages/sealing/src/", pathNot: TEST_OR_BENCH },
      to: { pathNot: "^packages/sealing/src/" },
    },
    {
      name: "core-is-pure",
      comment: "Core knows nothing of tRPC, Lambda, Powertools, SST, React or the packages above it.",
      severity: "error",
      from: { path: "^packages/core/src/", pathNot: TEST_OR_BENCH },
      to: {
        path: [
          "node_modules/(@trpc|sst|aws-lambda|@types/aws-lambda|@aws-lambda-powertools|react|react-dom|@tanstack|vite|playwright-core)/",
          "^packages/(functions|client|web|local|testkit|scripts|cli)/",
        ],
      },
    },
    {
      name: "functions-stay-server-side",
      comment: "The routers and handlers never import the local stack, the web app or the client.",
      severity: "error",
      from: { path: "^packages/functions/src/", pathNot: TEST_OR_BENCH },
      to: { path: "^packages/(local|web|client|testkit|scripts|cli)/" },
    },
    {
      name: "web-talks-through-the-client",
      comment:
        "The web app reaches the server only through @coffer/client; from the server it may take types alone.",
      severity: "error",
      from: { path: "^packages/web/src/" },
      to: {
        path: "^packages/(core|functions|local|testkit|scripts|cli)/",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "cli-talks-through-the-client",
      comment:
        "The coffer command is a thin adapter: it reaches the server only through @coffer/client (and seals with @coffer/sealing); never core, functions or the local stack.",
      severity: "error",
      from: { path: "^packages/cli/src/", pathNot: TEST_OR_BENCH },
      to: {
        path: "^packages/(core|functions|local|web|testkit|scripts)/",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "web-is-browser-code",
      comment: "Pages run in the browser: no node: modules.",
      severity: "error",
      from: { path: "^packages/web/src/" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "client-entry-is-browser-code",
      comment:
        "@coffer/client's main entry runs in the browser: of core only the pure config, and never local mode (@coffer/client/node, node:crypto).",
      severity: "error",
      from: {
        path: "^packages/client/src/",
        pathNot: [TEST_OR_BENCH, "^packages/client/src/(node|local)\\.ts$"],
      },
      to: {
        path: ["^packages/client/src/(node|local)\\.ts$", "^packages/core/src/"],
        pathNot: "^packages/core/src/config/",
      },
    },
    {
      name: "testkit-only-in-tests",
      comment: "Test support is for tests and the benchmark, never for code that ships.",
      severity: "error",
      from: { pathNot: TEST_OR_BENCH },
      to: { path: "^packages/testkit/" },
    },
    {
      name: "local-only-from-the-top",
      comment: "Nothing that ships imports the local stack (emulators, gateway, launchers).",
      severity: "error",
      from: { path: "^packages/(core|functions|client|sealing|web/src|cli)/", pathNot: TEST_OR_BENCH },
      to: { path: "^packages/local/" },
    },
    {
      name: "packages-by-name",
      comment: "Another package is imported by its name (@coffer/x/feature), never by a relative path.",
      severity: "error",
      from: { path: "^(packages/[^/]+)/" },
      to: { path: "^packages/", pathNot: "^$1/", dependencyTypes: ["local"] },
    },
    {
      name: "no-cycles-at-runtime",
      comment: "A cycle of runtime imports; type-only imports (the router's type) may go both ways.",
      severity: "error",
      from: { path: "^packages/", pathNot: TEST_OR_BENCH },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(packages/[^/]+/dist|\\.sst|coverage|test-results)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
  },
};
