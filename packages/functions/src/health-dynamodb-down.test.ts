import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { type LocalStack, startLocalStack } from "@coffer/local/stack";

// Its own DynamoDB Local (not the run's shared one), so that this test can stop it for real.
let stack: LocalStack;
// A second Java process starts in 3-4 s on an idle machine, but in over a minute on a busy one.
const DYNAMODB_LOCAL_START_MS = 180_000;
beforeAll(async () => void (stack = await startLocalStack({ stage: "test" })), DYNAMODB_LOCAL_START_MS);
afterAll(() => stack?.stop());

test("when DynamoDB is down, health names it with HTTP 503 and the gateway keeps serving", async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  expect((await fetch(`${stack.gateway.url}/api/health`)).status).toBe(200);
  await stack.dynamoDbLocal!.stop();
  const response = await fetch(`${stack.gateway.url}/api/health`);
  expect(response.status).toBe(503);
  const body = (await response.json()) as {
    error: { message: string; data: { details: { checks: Record<string, { ok: boolean }> } } };
  };
  expect(body.error.message).toBe("DynamoDB is unreachable. Retry shortly.");
  expect(body.error.data.details.checks).toMatchObject({ kms: { ok: true }, dynamodb: { ok: false } });
  expect((await fetch(`${stack.gateway.url}/api/health`)).status).toBe(503);
});
