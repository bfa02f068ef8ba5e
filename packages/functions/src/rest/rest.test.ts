import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { b64 } from "@coffer/testkit/b64";
import { sealForCreate } from "@coffer/testkit/bins";
import { startTestStack } from "@coffer/testkit/stack";
import { openApiJson } from "./openapi";

// The REST routes end to end: plain HTTP through the local gateway (which routes like API Gateway,
// by route key) to the unchanged Lambda handlers, the KMS emulator and DynamoDB Local.

let stack: Awaited<ReturnType<typeof startTestStack>>;
let full: string;
let encryptOnly: string;

beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  stack = await startTestStack();
  full = await stack.mintToken({
    name: "full",
    scopes: ["datakey", "encrypt", "decrypt", "rewrap", "admin"],
  });
  encryptOnly = await stack.mintToken({ name: "encrypt-only", scopes: ["encrypt"] });
});
afterAll(() => stack?.stop());

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function rest(method: string, path: string, options: { token?: string; body?: unknown } = {}) {
  const response = await fetch(`${stack.gateway.url}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(options.body !== undefined
      ? { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }
      : {}),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as never,
  } as Answer;
}

describe("encryption", () => {
  test("encrypt then decrypt, under a context", async () => {
    const context = { tenant: "acme" };
    const sealed = await rest("POST", "/v1/encrypt", {
      token: full,
      body: { keyName: "default", plaintext: b64("card 4242"), context },
    });
    expect(sealed.status).toBe(200);
    expect(sealed.headers.get("cache-control")).toBe("no-store");
    const opened = await rest("POST", "/v1/decrypt", {
      token: full,
      body: { envelope: sealed.body.envelope, context },
    });
    expect(opened.status).toBe(200);
    expect(Buffer.from(opened.body.plaintext as string, "base64url").toString()).toBe("card 4242");
  });

  test("a batch answers per item", async () => {
    const answer = await rest("POST", "/v1/encrypt/batch", {
      token: full,
      body: {
        items: [
          { keyName: "default", plaintext: b64("a") },
          { keyName: "pii", plaintext: b64("b") },
        ],
      },
    });
    expect(answer.status).toBe(200);
    expect((answer.body.results as { ok: boolean }[]).map((item) => item.ok)).toEqual([true, true]);
  });
});

describe("records", () => {
  test("put, get by id in the path, delete, then NOT_FOUND", async () => {
    const put = await rest("PUT", "/v1/records", {
      token: full,
      body: { keyName: "default", plaintext: b64("a record") },
    });
    expect(put.status).toBe(200);
    const recordId = put.body.recordId as string;
    const got = await rest("GET", `/v1/records/${recordId}`, { token: full });
    expect(got.status).toBe(200);
    expect(Buffer.from(got.body.plaintext as string, "base64url").toString()).toBe("a record");
    expect((await rest("DELETE", `/v1/records/${recordId}`, { token: full })).status).toBe(200);
    const gone = await rest("GET", `/v1/records/${recordId}`, { token: full });
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ code: "NOT_FOUND", reason: "record_not_found" });
  });
});

describe("errors: the tRPC code, its HTTP status, the reason and the field", () => {
  test("a token without the scope is 403 with code and reason", async () => {
    const answer = await rest("POST", "/v1/decrypt", { token: encryptOnly, body: { envelope: "AAAA" } });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: "FORBIDDEN", reason: "scope_missing" });
    expect(answer.body.message).toMatch(/lacks the "decrypt" scope/);
    expect(answer.body.requestId).toEqual(expect.any(String));
  });

  test("no token is 401", async () => {
    const answer = await rest("PUT", "/v1/records", { body: { keyName: "default", plaintext: "" } });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe("UNAUTHORIZED");
  });

  test("bad input is 400 naming the field", async () => {
    const answer = await rest("POST", "/v1/encrypt", {
      token: full,
      body: { keyName: "default", plaintext: "not base64url!" },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("BAD_REQUEST");
    expect(answer.body.issues).toEqual([expect.objectContaining({ path: "plaintext" })]);
  });

  test("a path parameter is validated like a field, and may not disagree with the body", async () => {
    const bad = await rest("GET", "/v1/records/short", { token: full });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([expect.objectContaining({ path: "recordId" })]);
    const clash = await rest("POST", `/v1/bins/${"A".repeat(22)}/reveal`, {
      body: { binId: "B".repeat(22), readProof: b64(new Uint8Array(32)) },
    });
    expect(clash.status).toBe(400);
    expect(clash.body.issues).toEqual([expect.objectContaining({ path: "binId" })]);
  });

  test("a body that is not JSON is 400 PARSE_ERROR", async () => {
    const answer = await rest("POST", "/v1/encrypt", { token: full, body: "{not json" });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("PARSE_ERROR");
  });

  test("REST bodies go through the request screen: a repeated JSON key is refused before any work", async () => {
    stack.kms.resetCounts();
    const answer = await rest("POST", "/v1/encrypt", {
      token: full,
      body: '{"keyName":"default","plaintext":"","context":{"tenant":"a","tenant":"b"}}',
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: "BAD_REQUEST", reason: "duplicate_json_key" });
    expect(stack.kms.requestCounts()).toEqual({});
    // The same body without the repeat is served.
    const served = await rest("POST", "/v1/encrypt", {
      token: full,
      body: '{"keyName":"default","plaintext":"","context":{"tenant":"a"}}',
    });
    expect(served.status).toBe(200);
  });

  test("an unknown route is 404 from the gateway, as from API Gateway", async () => {
    expect((await rest("GET", "/v1/nothing-here")).status).toBe(404);
    expect((await rest("DELETE", "/v1/encrypt")).status).toBe(404);
  });
});

test("query parameters become typed fields (admin.tokens.list?limit=1)", async () => {
  const page = await rest("GET", "/v1/admin/tokens?limit=1", { token: full });
  expect(page.status).toBe(200);
  expect(page.body.tokens).toHaveLength(1);
  expect(page.body.cursor).toEqual(expect.any(String));
  const next = await rest(
    "GET",
    `/v1/admin/tokens?limit=1&cursor=${encodeURIComponent(page.body.cursor as string)}`,
    {
      token: full,
    },
  );
  expect((next.body.tokens as { tokenId: string }[])[0]!.tokenId).not.toBe(
    (page.body.tokens as { tokenId: string }[])[0]!.tokenId,
  );
  expect((await rest("GET", "/v1/admin/tokens?limit=many", { token: full })).body.issues).toEqual([
    expect.objectContaining({ path: "limit" }),
  ]);
});

test("a bin: issue a key, create, read its metadata, reveal with the read proof (burns it)", async () => {
  const issued = await rest("POST", "/v1/bins");
  expect(issued.status).toBe(200);
  const sealed = await sealForCreate(issued.body as never);
  const { binId, ...create } = sealed.wire;
  const { binId: _, ...reveal } = sealed.revealWire;
  expect((await rest("POST", `/v1/bins/${binId}`, { body: create })).status).toBe(200);
  expect((await rest("GET", `/v1/bins/${binId}`)).body).toMatchObject({ exists: true, readsLeft: 1 });
  const revealed = await rest("POST", `/v1/bins/${binId}/reveal`, { body: reveal });
  expect(revealed.status).toBe(200);
  expect(revealed.body.ciphertext).toBe(create.ciphertext);
  expect((await rest("POST", `/v1/bins/${binId}/reveal`, { body: reveal })).status).toBe(404);
});

test("GET /v1/openapi.json serves the document generated from the routers", async () => {
  const response = await fetch(`${stack.gateway.url}/v1/openapi.json`);
  expect(response.status).toBe(200);
  expect(await response.text()).toBe(openApiJson());
});

test("the tRPC routes are unchanged beside the REST ones", async () => {
  const response = await fetch(`${stack.gateway.url}/api/health`);
  expect(((await response.json()) as { result?: unknown }).result).toBeDefined();
});
