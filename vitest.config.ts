import { defineConfig } from "vitest/config";

// Node 20 here, 22 in Lambda: the SDK's notice that Node 20 support ends is known and only noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export default defineConfig({
  test: {
    include: [
      "packages/*/src/**/*.test.{ts,tsx}",
      "packages/*/e2e/**/*.test.ts",
      "infra/**/*.test.ts",
      "bench/**/*.test.ts",
    ],
    exclude: ["**/node_modules/**", ".sst/**", "**/dist/**"],
    // One DynamoDB Local for the whole run; every test file makes its own tables on it.
    globalSetup: ["packages/local/src/test/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
