import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// Node 20 here, 22 in Lambda: the SDK's notice that Node 20 support ends is known and only noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// Test tiers (STYLE habit 18). `npm test` runs all three; `npm run test:unit`, `test:integration` and
// `test:e2e` run one. A file's tier follows from where it lives or how it is named:
// - e2e: packages/web/e2e/** and any *.e2e.test.ts: through a browser, or `npm run local` as a process.
// - integration: tests that need DynamoDB Local, the KMS emulator or the gateway: everything in
//   packages/functions and packages/local (their few pure tests run here too, at no cost), core's
//   feature services (*/service.test.ts), and core's other tests that use a table or the emulator
//   (listed below), and any *.int.test.ts.
// - unit: everything else, pure code and parsers. It never starts DynamoDB Local: a unit test that
//   asks for a table fails with a message that sends it here.
const e2e = ["packages/web/e2e/**/*.test.ts", "**/*.e2e.test.ts"];
const integration = [
  "packages/functions/src/**/*.test.ts",
  "packages/local/src/**/*.test.ts",
  "packages/core/src/**/service.test.ts",
  "packages/core/src/rate-limit/pepper.test.ts",
  "packages/core/src/crypto/{data-key-cache,envelope-crypto,envelope-tamper,unwrapped-key-cache}.test.ts",
  "**/*.int.test.ts",
];
// Integration files that keep state in modules get a process each: the functions' handlers (built
// once per process from the environment they start in) and files that vi.mock a module. Add a file
// here when it does either.
const isolatedIntegration = [
  "packages/functions/src/**/*.test.ts",
  "packages/core/src/{encryption,records}/service.test.ts",
];
const everything = [
  "packages/*/src/**/*.test.{ts,tsx}",
  "packages/*/e2e/**/*.test.ts",
  "infra/**/*.test.ts",
  "bench/**/*.test.ts",
];
const ignored = ["**/node_modules/**", ".sst/**", "**/dist/**"];
// One DynamoDB Local for the whole run (shared by both projects that need it); every test file
// makes its own tables on it.
const dynamoDbLocal = ["packages/testkit/src/global-setup.ts"];
// The browser tests load the production build of packages/web, made once per run (its
// e2e/web-site.ts says why and how).
const webBuild = ["packages/web/e2e/web-build-setup.ts"];

// The run ends when its longest file does, so the longest ones start first. Vitest orders files by
// the durations of earlier runs, which a fresh clone (CI) does not have; these are the ones measured
// longest (campaign-crash alone is a minute on a busy machine), the rest keep vitest's order.
const longestFirst = [
  "packages/core/src/keys/campaign-crash.int.test.ts",
  "packages/cli/e2e/cli-admin.e2e.test.ts",
  "packages/cli/e2e/cli-data.e2e.test.ts",
  "packages/web/e2e/bins-manage.e2e.test.ts",
  "packages/web/e2e/admin.e2e.test.ts",
  "packages/web/e2e/bins-reveal.e2e.test.ts",
  "packages/local/src/main.e2e.test.ts",
];
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    const rank = (file: TestSpecification) => {
      const index = longestFirst.findIndex((path) => file.moduleId.endsWith(path));
      return index === -1 ? longestFirst.length : index;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    pool: "forks",
    // Most test time is spent waiting on DynamoDB Local, the emulator, Chromium or a child process,
    // so three files at once keep a 2-core machine busy (vitest's default there is one).
    maxWorkers: 3,
    sequence: { sequencer: LongestFirst },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          // Pure code: no file keeps state in a module or mocks one (those live in the isolated
          // project below), so the files share their worker's modules, as integration files do.
          isolate: false,
          include: everything,
          exclude: [...ignored, ...integration, ...e2e],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          // Files run one after another in each worker and share its modules: a new process and a
          // fresh import of the AWS SDK, ElectroDB and the emulator per file cost about as much CPU
          // as the tests themselves. Each file still makes its own tables and emulator.
          isolate: false,
          include: integration,
          exclude: [...ignored, ...e2e, ...isolatedIntegration],
          globalSetup: dynamoDbLocal,
        },
      },
      {
        extends: true,
        test: {
          name: "integration-isolated",
          include: isolatedIntegration,
          exclude: [...ignored, ...e2e],
          globalSetup: dynamoDbLocal,
        },
      },
      {
        extends: true,
        test: { name: "e2e", include: e2e, exclude: ignored, globalSetup: [...dynamoDbLocal, ...webBuild] },
      },
    ],
  },
});
