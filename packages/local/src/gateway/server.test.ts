import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { repoRoot } from "../repo-root";
import { type Gateway, type SeenRequest, startGateway } from "./server";

const fixture = "packages/local/src/gateway/fixtures/handlers";
const route = (path: string, name: string) => ({
  path,
  handler: `${fixture}.${name}`,
  timeoutSeconds: 5,
  memoryMb: 128,
});

let gateway: Gateway;
const seen: SeenRequest[] = [];

beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  gateway = await startGateway({
    root: repoRoot,
    environment: { GATEWAY_TEST_PROBE: "set-before-import" },
    functions: { echo: route("/echo", "echo"), fail: route("/fail", "fail"), huge: route("/huge", "huge") },
    onRequest: (request) => seen.push(request),
  });
});
afterAll(() => gateway.close());

test("a request becomes an API Gateway v2 payload-2.0 event for the route's function", async () => {
  const response = await fetch(`${gateway.url}/echo/keys.dataKey,health?batch=1&input=%7B%7D`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer t", cookie: "c=3; d=4" },
    body: JSON.stringify({ hello: "world" }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("x-env-probe")).toBe("set-before-import");
  expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
  const event = (await response.json()) as APIGatewayProxyEventV2;
  expect(event).toMatchObject({
    version: "2.0",
    routeKey: "ANY /echo/{proxy+}",
    rawPath: "/echo/keys.dataKey,health",
    rawQueryString: "batch=1&input=%7B%7D",
    queryStringParameters: { batch: "1", input: "{}" },
    pathParameters: { proxy: "keys.dataKey,health" },
    cookies: ["c=3", "d=4"],
    body: '{"hello":"world"}',
    isBase64Encoded: false,
    requestContext: { http: { method: "POST", sourceIp: "127.0.0.1" }, stage: "$default" },
  });
  expect(event.headers.authorization).toBe("Bearer t");
  expect(event.headers.cookie).toBeUndefined();
});

test("binary bodies arrive base64-encoded, as API Gateway sends them", async () => {
  const bytes = Buffer.from([0, 1, 2, 250, 251]);
  const response = await fetch(`${gateway.url}/echo/x`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: bytes,
  });
  const event = (await response.json()) as APIGatewayProxyEventV2;
  expect(event.isBase64Encoded).toBe(true);
  expect(Buffer.from(event.body!, "base64")).toEqual(bytes);
});

test("unknown paths get API Gateway's 404 and preflights are answered with the CORS policy", async () => {
  const missing = await fetch(`${gateway.url}/nowhere/x`);
  expect(missing.status).toBe(404);
  expect(await missing.json()).toEqual({ message: "Not Found" });
  const preflight = await fetch(`${gateway.url}/echo/x`, { method: "OPTIONS" });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");
});

test("a failing handler gives 500 and the gateway keeps serving", async () => {
  const failed = await fetch(`${gateway.url}/fail/x`);
  expect(failed.status).toBe(500);
  expect(await failed.json()).toEqual({ message: "Internal Server Error" });
  expect((await fetch(`${gateway.url}/echo/x`)).status).toBe(200);
});

test("payloads over Lambda's limits are refused: 413 in, 500 out", async () => {
  const tooBig = await fetch(`${gateway.url}/echo/x`, {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: "y".repeat(6 * 1024 * 1024 + 1),
  });
  expect(tooBig.status).toBe(413);
  expect((await fetch(`${gateway.url}/huge/x`)).status).toBe(500);
});

test("onRequest sees each request's URL and body", () => {
  expect(
    seen.some(
      (request) => request.url.startsWith("/echo/keys.dataKey") && request.body === '{"hello":"world"}',
    ),
  ).toBe(true);
});
