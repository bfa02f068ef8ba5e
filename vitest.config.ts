import { defineConfig } from "vitest/config";

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
// The browser tests load the production build of packages/web, made once per run (testkit's
// web-site.ts says why and how).
const webBuild = ["packages/testkit/src/web-build-setup.ts"];

export default defineConfig({
  test: {
    pool: "forks",
    // Most test time is spent waiting on DynamoDB Local, the emulator, Chromium or a child process,
    // so three files at once keep a 2-core machine busy (vitest's default there is one).
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: everything, exclude: [...ignored, ...integration, ...e2e] },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: integration,
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
