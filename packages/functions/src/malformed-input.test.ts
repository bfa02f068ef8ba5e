import fc from "fast-check";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { startTestStack } from "@coffer/testkit/stack";
import { appRouter } from "./app-router";
import { type RestEndpoint, restEndpoints } from "./rest-routes";
import { functionFor, functionRoutes, procedureRoutes } from "./routes";

// Random malformed input to every procedure, sent as raw HTTP: never a 500, always a documented
// code. The token holds every scope, so inputs get past authentication and reach validation. The
// REST routes get the same, below.

const documentedCodes = new Set([
  "BAD_REQUEST",
  "PARSE_ERROR",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "PRECONDITION_FAILED",
  "TOO_MANY_REQUESTS",
  "PAYLOAD_TOO_LARGE",
]);

let stack: Awaited<ReturnType<typeof startTestStack>>;
let token: string;

beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  stack = await startTestStack();
  token = await stack.mintToken({
    name: "fuzz",
    scopes: ["datakey", "encrypt", "decrypt", "rewrap", "admin"],
  });
});
afterAll(() => stack.stop());

const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;

async function call(path: string, rawInput: string | undefined): Promise<{ status: number; code?: string }> {
  const base = `${stack.gateway.url}${functionRoutes[functionFor(path)!].path}/${path}`;
  const isQuery = procedures[path]!._def.type === "query";
  const response = isQuery
    ? await fetch(rawInput === undefined ? base : `${base}?input=${encodeURIComponent(rawInput)}`, {
        headers: { authorization: `Bearer ${token}` },
      })
    : await fetch(base, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        ...(rawInput === undefined ? {} : { body: rawInput }),
      });
  const body = (await response.json()) as { error?: { data?: { code?: string } } };
  return { status: response.status, ...(body.error ? { code: body.error.data?.code } : {}) };
}

/** Plausible field names and values, so that inputs are often almost right. */
const field = fc.constantFrom(
  "keyName",
  "plaintext",
  "context",
  "envelope",
  "items",
  "recordId",
  "wrappedKey",
  "expiresAt",
  "binId",
  "tokenId",
  "scopes",
  "name",
);
const value = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.constantFrom("default", "pii", "bins", "", "AAAA", "coffer:key", "__proto__", "x".repeat(300)),
  fc.base64String(),
  fc.integer(),
  fc.double(),
  fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
  fc.array(fc.anything(), { maxLength: 5 }),
);
const input = fc.oneof(
  fc.anything().map((v) => JSON.stringify(v) ?? "null"),
  fc.dictionary(field, value).map((v) => JSON.stringify(v)),
  fc.string(),
  fc.constantFrom("{", "[1,", '{"keyName":', "\u0000", "null", "{}", '{"__proto__":{"admin":true}}'),
);

test.each(Object.keys(procedureRoutes))("%s: malformed input never gives a 500", async (path) => {
  expect(procedures[path], `${path} is in the route table but not in the router`).toBeDefined();
  await fc.assert(
    fc.asyncProperty(fc.option(input, { nil: undefined }), async (raw) => {
      const { status, code } = await call(path, raw);
      expect(status, `input ${raw}`).toBeLessThan(500);
      if (code !== undefined) expect(documentedCodes, `input ${raw}`).toContain(code);
    }),
    { numRuns: 40 },
  );
});

// The same for the REST routes: a random body (or query string, for GET) and random path
// parameters, through the REST adapter to the same procedures.
const pathValue = fc.oneof(
  fc.string({ minLength: 1 }),
  fc.constantFrom("A".repeat(22), "%", "%zz", "..", "__proto__", "x".repeat(500), "%00", "a%2Fb"),
  fc.base64String({ minLength: 1 }),
);

async function callRest(endpoint: RestEndpoint, raw: string | undefined, pathValues: string[]) {
  let index = 0;
  const path = endpoint.path.replace(/\{\w+\}/g, () =>
    encodeURIComponent(pathValues[index++ % pathValues.length]!).replace(/%25/g, "%"),
  );
  const url = new URL(`${stack.gateway.url}${path}`);
  if (endpoint.method === "GET" && raw !== undefined) {
    url.search = raw.startsWith("{") ? new URLSearchParams(safeEntries(raw)).toString() : raw;
  }
  const response = await fetch(url, {
    method: endpoint.method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(endpoint.method !== "GET" && raw !== undefined ? { body: raw } : {}),
  });
  const body = (await response.json()) as { code?: string };
  return { status: response.status, code: body.code };
}

/** A JSON object's entries as query parameters, when it parses to one. */
function safeEntries(raw: string): [string, string][] {
  try {
    const value = JSON.parse(raw) as unknown;
    return value && typeof value === "object" && !Array.isArray(value)
      ? Object.entries(value).map(([name, v]) => [
          name,
          typeof v === "string" ? v : (JSON.stringify(v) ?? ""),
        ])
      : [];
  } catch {
    return [];
  }
}

test.each(restEndpoints().filter((endpoint) => endpoint.procedure))(
  "$routeKey: malformed input never gives a 500",
  async (endpoint) => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(input, { nil: undefined }),
        fc.array(pathValue, { minLength: 1, maxLength: 2 }),
        async (raw, pathValues) => {
          const { status, code } = await callRest(endpoint, raw, pathValues);
          expect(status, `input ${raw} at ${pathValues.join(", ")}`).toBeLessThan(500);
          if (code !== undefined) expect(documentedCodes, `input ${raw}`).toContain(code);
        },
      ),
      { numRuns: 40 },
    );
  },
);
