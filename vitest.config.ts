import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.{ts,tsx}", "infra/**/*.test.ts", "bench/**/*.test.ts"],
    exclude: ["**/node_modules/**", ".sst/**", "**/dist/**"],
    // One DynamoDB Local for the whole run; every test file makes its own tables on it.
    globalSetup: ["packages/local/src/test/global-setup.ts"],
    pool: "forks",
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
