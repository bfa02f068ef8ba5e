import { expect, test } from "vitest";
import { awsClientConfig, CALL_SHARE, sdkTimeouts, worstCaseMs } from "./index";

test.each([2_000, 3_000, 10_000, 30_000, 60_000])(
  "a %i ms function: every attempt, timeout and retry of one call fits in its share, with margin",
  (functionTimeoutMs) => {
    const t = sdkTimeouts(functionTimeoutMs);
    expect(worstCaseMs(t)).toBeLessThanOrEqual(t.deadlineMs);
    expect(t.deadlineMs).toBeLessThanOrEqual(functionTimeoutMs * CALL_SHARE);
    // Two slow calls in a row (a token read, then KMS) still end before the function is killed.
    expect(2 * t.deadlineMs).toBeLessThan(functionTimeoutMs);
    expect(t.maxAttempts).toBeGreaterThanOrEqual(2);
    expect(t.requestTimeoutMs).toBeGreaterThan(0);
  },
);

test("the production budget (10 s functions): two tries of about two seconds each", () => {
  expect(sdkTimeouts(10_000)).toEqual({
    maxAttempts: 2,
    retryDelayMs: 100,
    connectionTimeoutMs: 487,
    requestTimeoutMs: 1_463,
    deadlineMs: 4_000,
  });
  expect(sdkTimeouts(25_000).maxAttempts).toBe(3);
});

test("client config: a hung request throws instead of only warning, and retries wait a fixed pause", async () => {
  const config = awsClientConfig({ timeouts: sdkTimeouts(10_000) });
  expect(config.requestHandler).toEqual({
    connectionTimeout: 487,
    requestTimeout: 1_463,
    throwOnRequestTimeout: true,
  });
  expect(await config.retryStrategy.maxAttempts()).toBe(2);
});
