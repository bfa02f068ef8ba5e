// What one HTTP request may carry (issue 13, findings 1, 2 and 4), sent as raw HTTP through the
// gateway as an outside client would: each over-limit request is a 4xx before any work.
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { createCofferClient } from "@coffer/client";
import { limits } from "@coffer/core/config";
import { startTestStack } from "@coffer/testkit/stack";

let stack: Awaited<ReturnType<typeof startTestStack>>;
let token: string;

beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  stack = await startTestStack();
  token = await stack.mintToken({ name: "limits", scopes: ["encrypt", "decrypt"] });
});
afterAll(() => stack.stop());
beforeEach(() => stack.kms.resetCounts());

interface Answer {
  status: number;
  text: string;
  errors: { code?: string; reason?: string; message?: string }[];
}

async function post(fnPath: string, paths: string[], body: string): Promise<Answer> {
  const batch = paths.length > 1 ? "?batch=1" : "";
  const response = await fetch(`${stack.gateway.url}${fnPath}/${paths.join(",")}${batch}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body,
  });
  const text = await response.text();
  const json = JSON.parse(text) as unknown;
  const list = (Array.isArray(json) ? json : [json]) as {
    error?: { message?: string; data?: { code?: string; reason?: string } };
  }[];
  return {
    status: response.status,
    text,
    errors: list.map((one) => ({
      code: one.error?.data?.code,
      reason: one.error?.data?.reason,
      message: one.error?.message,
    })),
  };
}

const batchBody = (count: number, input: unknown) =>
  JSON.stringify(Object.fromEntries(Array.from({ length: count }, (_, i) => [i, input])));
const item = { keyName: "default", plaintext: "aGk", context: { a: "1" } };

describe("batching within limits (finding 1)", () => {
  test("200 encryptBatch calls of 100 items: 400 before any encrypt, no 500", async () => {
    const paths = Array.from({ length: 200 }, () => "crypto.encryptBatch");
    const answer = await post(
      "/api",
      paths,
      batchBody(200, { items: Array.from({ length: 100 }, () => item) }),
    );
    expect(answer.status).toBe(400);
    expect(answer.errors[0]).toMatchObject({ code: "BAD_REQUEST", reason: "request_too_many_calls" });
    expect(stack.kms.requestCounts()).toEqual({});
  });

  test("200 public bins.issueKey calls: 400 before any work, no 503", async () => {
    const paths = Array.from({ length: 200 }, () => "bins.issueKey");
    const answer = await post("/api", paths, batchBody(200, {}));
    expect(answer.status).toBe(400);
    expect(answer.errors.every((e) => e.reason === "request_too_many_calls")).toBe(true);
    expect(stack.kms.requestCounts()).toEqual({});
  });

  test("items are counted across the calls of a request", async () => {
    const full = { items: Array.from({ length: limits.maxBatchItems }, () => item) };
    const answer = await post("/api", ["crypto.encryptBatch", "crypto.encryptBatch"], batchBody(2, full));
    expect(answer.status).toBe(400);
    expect(answer.errors.map((e) => e.reason)).toEqual(["request_too_many_items", "request_too_many_items"]);
    expect(stack.kms.requestCounts()).toEqual({});
    const one = await post("/api", ["crypto.encryptBatch"], JSON.stringify(full));
    expect(one.status).toBe(200);
  });

  test("a request whose answer could pass Lambda's limit is 413 (many records.get)", async () => {
    const paths = Array.from({ length: limits.maxCallsPerRequest }, () => "records.get");
    const input = encodeURIComponent(batchBody(paths.length, { recordId: "A".repeat(22) }));
    const response = await fetch(`${stack.gateway.url}/decrypt/${paths.join(",")}?batch=1&input=${input}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(413);
    const [first] = (await response.json()) as { error: { data: { code: string; reason: string } } }[];
    expect(first!.error.data).toMatchObject({ code: "PAYLOAD_TOO_LARGE", reason: "response_too_large" });
  });

  test("a body over the request limit is 413 from the handler, in tRPC's shape", async () => {
    const plaintext = "A".repeat(limits.maxRequestBytes);
    const answer = await post("/api", ["crypto.encrypt"], JSON.stringify({ keyName: "default", plaintext }));
    expect(answer.status).toBe(413);
    expect(answer.errors[0]).toMatchObject({ code: "PAYLOAD_TOO_LARGE", reason: "request_too_large" });
  });
});

describe("exact input (findings 2 and 4)", () => {
  test("a body that is not JSON is PARSE_ERROR and echoes nothing", async () => {
    const answer = await post("/api", ["crypto.encrypt"], "hello secret-words {");
    expect(answer.status).toBe(400);
    expect(answer.errors[0]).toMatchObject({ code: "PARSE_ERROR", reason: "body_not_json" });
    expect(answer.text).not.toContain("secret-words");
    expect(answer.text).not.toContain("hello");
  });

  test("a __proto__ context key is refused, naming the key; nothing is encrypted", async () => {
    const body = '{"keyName":"default","plaintext":"aGk","context":{"__proto__":"evil","a":"1"}}';
    const answer = await post("/api", ["crypto.encrypt"], body);
    expect(answer.status).toBe(400);
    expect(answer.errors[0]?.message).toContain('"__proto__"');
    expect(stack.kms.requestCounts()).toEqual({});
  });

  test("a repeated key in a context is refused", async () => {
    const body = '{"keyName":"default","plaintext":"aGk","context":{"a":"1","a":"2"}}';
    const answer = await post("/api", ["crypto.encrypt"], body);
    expect(answer.status).toBe(400);
    expect(answer.errors[0]).toMatchObject({ code: "BAD_REQUEST", reason: "duplicate_json_key" });
    const fine = await post(
      "/api",
      ["crypto.encrypt"],
      '{"keyName":"default","plaintext":"aGk","context":{"a":"1","b":"1"}}',
    );
    expect(fine.status).toBe(200);
  });
});

// Last in the file: on a loaded machine its large requests can still be retrying KMS calls after it
// ends, which would show in the other tests' KMS request counts.
describe("the client (finding 1)", () => {
  test("@coffer/client never builds an over-limit request: large inputs go alone, batches are split", async () => {
    const seen: { bytes: number; calls: number }[] = [];
    const client = createCofferClient({
      url: stack.gateway.url,
      token,
      fetch: async (url, init) => {
        const path = new URL(String(url)).pathname.split("/").pop()!;
        seen.push({ bytes: Buffer.byteLength(String(init?.body ?? "")), calls: path.split(",").length });
        return fetch(url, init);
      },
    });
    const big = Buffer.alloc(Math.floor(2.5 * 1024 * 1024), 1).toString("base64url");
    // One context for all: the client's batching is under test, not 45 KMS calls on a busy machine.
    const small = Array.from({ length: 45 }, () =>
      client.crypto.encrypt.mutate({ keyName: "default", plaintext: "aGk", context: { tenant: "t" } }),
    );
    const batch = { items: Array.from({ length: limits.maxBatchItems }, () => item) };
    const results = await Promise.all([
      client.crypto.encrypt.mutate({ keyName: "default", plaintext: big }),
      client.crypto.encrypt.mutate({ keyName: "default", plaintext: big }),
      client.crypto.encryptBatch.mutate(batch),
      client.crypto.encryptBatch.mutate(batch),
      ...small,
    ]);
    expect(results).toHaveLength(49);
    expect(Math.max(...seen.map((s) => s.calls))).toBeLessThanOrEqual(limits.maxCallsPerRequest);
    expect(Math.max(...seen.map((s) => s.bytes))).toBeLessThanOrEqual(limits.maxRequestBytes);
  });
});
