import { randomBytes } from "node:crypto";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createCofferClient } from "@coffer/client";
import { createDynamoClient } from "@coffer/core/db";
import { startTestStack } from "@coffer/testkit/stack";

// Every secret that passes through the service, in every encoding a log line or an item could
// carry it, must appear in neither the logs nor the table.

let stack: Awaited<ReturnType<typeof startTestStack>>;
const logged: string[] = [];

beforeAll(async () => {
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation(
      (...args: unknown[]) => void logged.push(args.map(String).join(" ")),
    );
  }
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, "write").mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
    logged.push(String(chunk));
    return write(chunk, ...rest);
  }) as never);
  stack = await startTestStack();
});
afterAll(() => stack.stop());

const encodings = (secret: Buffer) =>
  [secret.toString("base64url"), secret.toString("base64"), secret.toString("hex")].filter(
    (s) => s.length >= 8,
  );

test("no token, plaintext or data key reaches a log line or a stored item", async () => {
  const secrets: Buffer[] = [];
  const token = await stack.mintToken({
    name: "scan",
    scopes: ["datakey", "encrypt", "decrypt", "rewrap", "admin"],
  });
  secrets.push(Buffer.from(token), Buffer.from(token.slice("coffer_".length), "base64url").subarray(16));
  const client = createCofferClient({ url: stack.gateway.url, token });

  const plaintext = Buffer.concat([Buffer.from("TOP-SECRET-"), randomBytes(24)]);
  secrets.push(plaintext);
  const b64 = plaintext.toString("base64url");

  const { envelope } = await client.crypto.encrypt.mutate({
    keyName: "default",
    plaintext: b64,
    context: { scan: "1" },
  });
  await client.crypto.decrypt.mutate({ envelope, context: { scan: "1" } });
  const put = await client.records.put.mutate({ keyName: "default", plaintext: b64, idempotencyKey: "scan" });
  await client.records.get.query({ recordId: put.recordId });
  const dataKey = await client.keys.dataKey.mutate({ keyName: "default", context: { scan: "2" } });
  secrets.push(Buffer.from(dataKey.key!, "base64url"));
  await client.keys.decryptDataKey.mutate({
    keyName: "default",
    wrappedKey: dataKey.wrappedKey,
    context: { scan: "2" },
  });
  const admin = await client.admin.tokens.create.mutate({ name: "second", scopes: ["encrypt"] });
  secrets.push(Buffer.from(admin.token));

  // Refusals log too: make some, carrying secrets in their input.
  const refusals = [
    client.crypto.decrypt.mutate({ envelope, context: { scan: b64 } }),
    client.keys.decryptDataKey.mutate({
      keyName: "default",
      wrappedKey: dataKey.wrappedKey,
      context: { wrong: dataKey.key! },
    }),
    createCofferClient({ url: stack.gateway.url, token: `${token}x` }).crypto.encrypt.mutate({
      keyName: "default",
      plaintext: b64,
    }),
    client.crypto.encrypt.mutate({ keyName: "nope", plaintext: b64 }),
  ];
  for (const refusal of await Promise.allSettled(refusals)) {
    expect(refusal.status === "rejected" && refusal.reason instanceof TRPCClientError).toBe(true);
  }

  const dynamo = createDynamoClient({ endpoint: stack.dynamoEndpoint });
  const { Items = [] } = await dynamo.send(
    new ScanCommand({ TableName: stack.tableName, ConsistentRead: true }),
  );
  dynamo.destroy();
  const stored = JSON.stringify(Items, (_, v: unknown) =>
    v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v,
  );
  const storedBinary = Items.flatMap((item) =>
    Object.values(item).flatMap((attribute) => (attribute.B ? [Buffer.from(attribute.B)] : [])),
  );

  expect(logged.length).toBeGreaterThan(0);
  expect(Items.length).toBeGreaterThan(2);
  const logs = logged.join("\n");
  for (const secret of secrets) {
    for (const encoded of [secret.toString("latin1"), ...encodings(secret)]) {
      expect(logs.includes(encoded), "a secret in the logs").toBe(false);
      expect(stored.includes(encoded), "a secret in the table").toBe(false);
    }
    for (const binary of storedBinary)
      expect(binary.includes(secret), "a secret in a binary attribute").toBe(false);
  }
});
