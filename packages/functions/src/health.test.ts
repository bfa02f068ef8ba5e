import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createCofferClient } from "@coffer/client";
import { startTestStack } from "@coffer/testkit/stack";

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => void (stack = await startTestStack()));
afterAll(() => stack.stop());

test("health reports KMS and DynamoDB up, with latencies, the stage and the version", async () => {
  const client = createCofferClient({ url: stack.gateway.url });
  const report = await client.health.query();
  expect(report).toMatchObject({ status: "ok", stage: "test", version: "0.1.0" });
  expect(report.checks.kms).toMatchObject({ ok: true });
  expect(report.checks.dynamodb).toMatchObject({ ok: true });
  expect(report.checks.kms!.latencyMs).toBeGreaterThanOrEqual(0);
});

test("API answers are never cached", async () => {
  const response = await fetch(`${stack.gateway.url}/api/health`);
  expect(response.headers.get("cache-control")).toBe("no-store");
});

test("when KMS is down, health says so with HTTP 503 and the gateway keeps serving", async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  const rule = stack.kms.faults.add({ kind: "unavailable", mode: "refuse" });
  try {
    const response = await fetch(`${stack.gateway.url}/api/health`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as {
      error: { message: string; data: { code: string; details: { down: string[] } } };
    };
    expect(body.error.message).toBe("KMS is unreachable. Retry shortly.");
    expect(body.error.data.code).toBe("SERVICE_UNAVAILABLE");
    expect(body.error.data.details.down).toEqual(["kms"]);
  } finally {
    stack.kms.faults.remove(rule);
  }
  expect((await fetch(`${stack.gateway.url}/api/health`)).status).toBe(200);
});
