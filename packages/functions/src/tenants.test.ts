import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { type CofferClient, createCofferClient } from "@coffer/client";
import { systemClock } from "@coffer/core/clock";
import { connectDb } from "@coffer/core/db";
import { createFirstAdminToken, createTokenService } from "@coffer/core/tokens";
import { b64 } from "@coffer/testkit/b64";
import { refusalOf as outcome } from "@coffer/testkit/refusal";
import { startTestStack } from "@coffer/testkit/stack";

// Tenants end to end (issue 13, findings 3 and 7): an admin makes a token per namespace; records
// are seen only from their own namespace, and another's is NOT_FOUND like a missing one.

let stack: Awaited<ReturnType<typeof startTestStack>>;
let admin: CofferClient;
const clientWith = (token: string) => createCofferClient({ url: stack.gateway.url, token });

beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  stack = await startTestStack();
  const { db, dynamo } = connectDb({ endpoint: stack.dynamoEndpoint, table: stack.tableName });
  const first = await createFirstAdminToken(createTokenService({ db, clock: systemClock }));
  dynamo.destroy();
  expect(first).toMatchObject({ scopes: ["admin"], namespace: "default", expiresAt: null });
  admin = clientWith(first!.token);
});
afterAll(() => stack.stop());

async function tenant(namespace: string | undefined) {
  const made = await admin.admin.tokens.create.mutate({
    name: `svc-${namespace ?? "default"}`,
    scopes: ["encrypt", "decrypt"],
    ...(namespace ? { namespace } : {}),
  });
  expect(made.namespace).toBe(namespace ?? "default");
  return { client: clientWith(made.token) }; // wrapped: a client proxy is not awaitable
}

test("the first admin token holds only the admin scope", async () => {
  expect(await outcome(admin.crypto.encrypt.mutate({ keyName: "default", plaintext: b64("x") }))).toBe(
    "FORBIDDEN:scope_missing",
  );
  expect(await outcome(admin.records.list.query())).toBe("FORBIDDEN:scope_missing");
});

test("another namespace gets NOT_FOUND on get and delete, as for a missing id; the record survives", async () => {
  const [{ client: acme }, { client: globex }] = [await tenant("acme"), await tenant("globex")];
  const { recordId } = await acme.records.put.mutate({ keyName: "default", plaintext: b64("acme's") });
  const missing = await outcome(acme.records.get.query({ recordId: "A".repeat(22) }));
  expect(missing).toBe("NOT_FOUND:record_not_found");
  expect(await outcome(globex.records.get.query({ recordId }))).toBe(missing);
  expect(await outcome(globex.records.delete.mutate({ recordId }))).toBe(missing);
  expect((await globex.records.list.query()).records).toEqual([]);
  const back = await acme.records.get.query({ recordId });
  expect(Buffer.from(back.plaintext, "base64url").toString()).toBe("acme's");
  expect((await acme.records.list.query()).records.map((r) => r.recordId)).toEqual([recordId]);
});

test("a token made without a namespace works in the default one", async () => {
  const { client: plain } = await tenant(undefined);
  const { recordId } = await plain.records.put.mutate({ keyName: "default", plaintext: b64("d") });
  expect((await plain.records.list.query({ limit: 10 })).records.map((r) => r.recordId)).toContain(recordId);
  expect(
    await outcome(
      admin.admin.tokens.create.mutate({ name: "bad", scopes: ["encrypt"], namespace: "Not OK" }),
    ),
  ).toBe("BAD_REQUEST");
});
