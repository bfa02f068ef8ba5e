import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createCofferClient } from "@coffer/client";
import { runDynamoEndpoint } from "@coffer/testkit/dynamo";
import { type DynamoProxy, startDynamoProxy } from "@coffer/testkit/dynamo-proxy";
import { startTestStack } from "@coffer/testkit/stack";

let stack: Awaited<ReturnType<typeof startTestStack>>;
let dynamo: DynamoProxy;
beforeAll(async () => {
  dynamo = await startDynamoProxy(runDynamoEndpoint());
  stack = await startTestStack({ dynamoEndpoint: dynamo.url });
});
afterAll(async () => {
  await stack.stop();
  await dynamo.close();
});

// First in the file: the instances have not checked anything yet.
test("200 batched public health calls cost one KMS call and one DynamoDB call", async () => {
  const client = createCofferClient({ url: stack.gateway.url });
  stack.kms.resetCounts();
  dynamo.requests.length = 0;
  const answers = await Promise.all(Array.from({ length: 200 }, () => client.health.query()));
  expect(answers.every((answer) => JSON.stringify(answer) === '{"status":"up"}')).toBe(true);
  expect(stack.kms.requestCounts()).toEqual({ DescribeKey: 1 });
  expect(dynamo.requests.map((request) => request.action)).toEqual(["dynamodb:DescribeTable"]);
});

test("the public answer is up or down only; API answers are never cached", async () => {
  const response = await fetch(`${stack.gateway.url}/api/health`);
  expect(await response.json()).toEqual({ result: { data: { status: "up" } } });
  expect(response.headers.get("cache-control")).toBe("no-store");
});

test("administrators see each dependency, its latency, the stage and the version", async () => {
  const admin = createCofferClient({
    url: stack.gateway.url,
    token: await stack.mintToken({ name: "ops", scopes: ["admin"] }),
  });
  const report = await admin.admin.health.query();
  expect(report).toMatchObject({ status: "ok", stage: "test", version: "0.1.0" });
  expect(report.checks.kms).toMatchObject({ ok: true });
  expect(report.checks.dynamodb).toMatchObject({ ok: true });
  expect(report.checks.kms!.latencyMs).toBeGreaterThanOrEqual(0);
  await expect(createCofferClient({ url: stack.gateway.url }).admin.health.query()).rejects.toThrow();
});

test("when KMS is down, the admin report names it with HTTP 503 and the gateway keeps serving", async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  const token = await stack.mintToken({ name: "ops2", scopes: ["admin"] });
  const headers = { authorization: `Bearer ${token}` };
  const rule = stack.kms.faults.add({ kind: "unavailable", mode: "refuse" });
  try {
    const response = await fetch(`${stack.gateway.url}/admin/admin.health`, { headers });
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
  expect((await fetch(`${stack.gateway.url}/admin/admin.health`, { headers })).status).toBe(200);
});
