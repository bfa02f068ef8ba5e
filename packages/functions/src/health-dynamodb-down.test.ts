import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { type LocalStack, startLocalStack } from "@coffer/local/stack";
import { testFunctionEnvironment } from "@coffer/testkit/stack";

// Its own DynamoDB Local (not the run's shared one), so that this test can stop it for real.
let stack: LocalStack;
// A second Java process starts in 3-4 s on an idle machine, but in over a minute on a busy one.
const DYNAMODB_LOCAL_START_MS = 180_000;
// The start is kept as a promise so that cleanup does not depend on beforeAll finishing: if its
// hook times out, the start goes on (and spawns Java) after vitest has stopped waiting, and a
// cleanup that only looked at `stack` would find it unset and leak the process. afterAll waits for
// the start to settle, whatever happened, and stops what it started; a failed start cleans up
// after itself (startLocalStack stops whatever it had started).
const starting = startLocalStack({ stage: "test", environment: { ...testFunctionEnvironment } });
starting.catch(() => {}); // reported by beforeAll; never an unhandled rejection
beforeAll(async () => void (stack = await starting), DYNAMODB_LOCAL_START_MS);
afterAll(async () => {
  const started = await starting.catch(() => undefined);
  await started?.stop();
}, DYNAMODB_LOCAL_START_MS);

test("when DynamoDB is down, public health answers 503 without naming it, and the gateway keeps serving", async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  // No health call before the outage: the instance has no cached answer yet.
  await stack.dynamoDbLocal!.stop();
  const response = await fetch(`${stack.gateway.url}/api/health`);
  expect(response.status).toBe(503);
  const body = (await response.json()) as { error: { message: string; data: Record<string, unknown> } };
  expect(body.error.message).toBe("Coffer is unavailable. Retry shortly.");
  expect(JSON.stringify(body)).not.toMatch(/dynamo|kms|checks/i);
  // The admin report needs an authenticated caller, and authenticating needs the table.
  const admin = await fetch(`${stack.gateway.url}/admin/admin.health`, {
    headers: { authorization: "Bearer coffer_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
  });
  expect([401, 503]).toContain(admin.status);
  expect((await fetch(`${stack.gateway.url}/api/health`)).status).toBe(503);
});
