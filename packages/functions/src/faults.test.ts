import { InternalServerError, ScanCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, afterEach, beforeAll, expect, test, vi } from "vitest";
import { type CofferClient, createCofferClient } from "@coffer/client";
import { createDynamoClient } from "@coffer/core/db";
import { startTestStack } from "@coffer/testkit/stack";
import { codeOf } from "@coffer/testkit/refusal";
import { b64 } from "@coffer/testkit/b64";

// Outages end as SERVICE_UNAVAILABLE with nothing half-written, and the service recovers. KMS faults
// come from the emulator itself; DynamoDB Local cannot be made to fail one call, so its faults are
// injected at the SDK (the client's send), the one place a mock is the right tool.

let stack: Awaited<ReturnType<typeof startTestStack>>;
let client: CofferClient;
let contextCounter = 0;
/** A context no earlier call used, so the data-key cache cannot hide the fault. */
const freshContext = () => ({ test: `fault-${++contextCounter}-${Date.now()}` });

async function storedRecordCount(): Promise<number> {
  const dynamo = createDynamoClient({ endpoint: stack.dynamoEndpoint });
  const { Items = [] } = await dynamo.send(
    new ScanCommand({ TableName: stack.tableName, ConsistentRead: true }),
  );
  dynamo.destroy();
  return Items.filter((item) => item.__edb_e__?.S === "record" || item.__edb_e__?.S === "idempotency").length;
}

beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  stack = await startTestStack();
  client = createCofferClient({
    url: stack.gateway.url,
    token: await stack.mintToken({ name: "faults", scopes: ["encrypt", "decrypt", "datakey"] }),
  });
});
afterEach(() => {
  stack.kms.faults.clear();
  vi.restoreAllMocks();
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterAll(() => stack.stop());

test.each([
  ["refused connections", { kind: "unavailable", mode: "refuse" }],
  ["HTTP 503s", { kind: "unavailable", mode: "status503" }],
  ["KMSInternalException", { kind: "error", type: "KMSInternalException", status: 500 }],
] as const)("KMS %s: SERVICE_UNAVAILABLE, no record, and recovery", async (_, rule) => {
  const before = await storedRecordCount();
  stack.kms.faults.add(rule);
  expect(
    await codeOf(
      client.crypto.encrypt.mutate({ keyName: "default", plaintext: b64("x"), context: freshContext() }),
    ),
  ).toBe("SERVICE_UNAVAILABLE");
  expect(
    await codeOf(
      client.records.put.mutate({ keyName: "default", plaintext: b64("x"), context: freshContext() }),
    ),
  ).toBe("SERVICE_UNAVAILABLE");
  expect(await codeOf(client.keys.dataKey.mutate({ keyName: "default" }))).toBe("SERVICE_UNAVAILABLE");
  expect(await storedRecordCount()).toBe(before);

  stack.kms.faults.clear();
  const put = await client.records.put.mutate({
    keyName: "default",
    plaintext: b64("after"),
    context: freshContext(),
  });
  expect(
    Buffer.from(
      (await client.records.get.query({ recordId: put.recordId })).plaintext,
      "base64url",
    ).toString(),
  ).toBe("after");
});

test("KMS throttling, left after the SDK's retries, is TOO_MANY_REQUESTS and stores nothing", async () => {
  const before = await storedRecordCount();
  stack.kms.faults.add({ kind: "throttle" });
  expect(
    await codeOf(
      client.records.put.mutate({ keyName: "default", plaintext: b64("x"), context: freshContext() }),
    ),
  ).toBe("TOO_MANY_REQUESTS");
  expect(await storedRecordCount()).toBe(before);
});

test("a KMS outage on the decrypt side is SERVICE_UNAVAILABLE, not a wrong-key error", async () => {
  // Encryption does not fill the decryption cache, so the first decrypt of a new envelope needs KMS.
  const context = freshContext();
  const { envelope } = await client.crypto.encrypt.mutate({
    keyName: "default",
    plaintext: b64("y"),
    context,
  });
  const { wrappedKey } = await client.keys.dataKey.mutate({ keyName: "default", plaintext: false });
  stack.kms.faults.add({ kind: "unavailable", mode: "status503", operation: "Decrypt" });
  expect(await codeOf(client.crypto.decrypt.mutate({ envelope, context }))).toBe("SERVICE_UNAVAILABLE");
  expect(await codeOf(client.keys.decryptDataKey.mutate({ keyName: "default", wrappedKey }))).toBe(
    "SERVICE_UNAVAILABLE",
  );
  stack.kms.faults.clear();
  expect(await codeOf(client.crypto.decrypt.mutate({ envelope, context }))).toBe("ok");
});

test("a KMS call that fails twice and then succeeds is retried and succeeds", async () => {
  stack.kms.faults.add({ kind: "unavailable", mode: "status503", count: 2 });
  expect(await codeOf(client.keys.dataKey.mutate({ keyName: "default" }))).toBe("ok");
});

test("DynamoDB failing the write: SERVICE_UNAVAILABLE, nothing half-written, then recovery", async () => {
  await client.crypto.encrypt.mutate({ keyName: "default", plaintext: b64("warm the token cache") });
  const before = await storedRecordCount();
  const send = DynamoDBDocumentClient.prototype.send;
  vi.spyOn(DynamoDBDocumentClient.prototype, "send").mockImplementation(function (
    this: DynamoDBDocumentClient,
    command: unknown,
  ) {
    if (command instanceof PutCommand || command instanceof TransactWriteCommand) {
      return Promise.reject(
        new InternalServerError({ message: "injected", $metadata: { httpStatusCode: 500 } }),
      );
    }
    return (send as (c: unknown) => Promise<unknown>).call(this, command);
  } as never);
  expect(await codeOf(client.records.put.mutate({ keyName: "default", plaintext: b64("lost?") }))).toBe(
    "SERVICE_UNAVAILABLE",
  );
  expect(
    await codeOf(
      client.records.put.mutate({ keyName: "default", plaintext: b64("lost?"), idempotencyKey: "k-1" }),
    ),
  ).toBe("SERVICE_UNAVAILABLE");
  vi.restoreAllMocks();
  expect(await storedRecordCount()).toBe(before);

  // The retry after the outage stores exactly one record for the idempotency key.
  const first = await client.records.put.mutate({
    keyName: "default",
    plaintext: b64("kept"),
    idempotencyKey: "k-1",
  });
  const again = await client.records.put.mutate({
    keyName: "default",
    plaintext: b64("kept"),
    idempotencyKey: "k-1",
  });
  expect(again.recordId).toBe(first.recordId);
  expect(await storedRecordCount()).toBe(before + 2);
});

test("DynamoDB unreachable for reads: SERVICE_UNAVAILABLE for token checks and health, not a crash", async () => {
  const stranger = createCofferClient({
    url: stack.gateway.url,
    token: await stack.mintToken({ name: "cold", scopes: ["encrypt"] }),
  });
  vi.spyOn(DynamoDBDocumentClient.prototype, "send").mockImplementation(function () {
    return Promise.reject(
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1"), { code: "ECONNREFUSED", $metadata: {} }),
    );
  } as never);
  // Its token is not in the verified cache yet, so authenticating it needs the table.
  expect(await codeOf(stranger.crypto.encrypt.mutate({ keyName: "default", plaintext: b64("x") }))).toBe(
    "SERVICE_UNAVAILABLE",
  );
  vi.restoreAllMocks();
  expect(await codeOf(stranger.crypto.encrypt.mutate({ keyName: "default", plaintext: b64("x") }))).toBe(
    "ok",
  );
});
