import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { type CofferClient, createCofferClient, seal } from "@coffer/client";
import { refusalOf } from "@coffer/testkit/refusal";
import { startTestStack } from "@coffer/testkit/stack";

// Sealed input through the gateway and the typed client: the public key, the drop scope, the
// refusals as tRPC codes with their reasons, and @coffer/client's one-call seal().

let stack: Awaited<ReturnType<typeof startTestStack>>;
let anonymous: CofferClient;
let dropper: CofferClient;
let opener: CofferClient;

beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  stack = await startTestStack();
  const client = async (scopes: ("drop" | "decrypt" | "encrypt")[]) =>
    createCofferClient({
      url: stack.gateway.url,
      token: await stack.mintToken({ name: scopes.join("+"), scopes }),
    });
  anonymous = createCofferClient({ url: stack.gateway.url });
  dropper = await client(["drop"]);
  opener = await client(["decrypt"]);
});
afterAll(() => stack.stop());

test("keys.publicKey needs no token and names the seal key", async () => {
  const key = await anonymous.keys.publicKey.query();
  expect(key).toMatchObject({
    algorithm: "RSAES_OAEP_SHA_256",
    keyId: stack.sealArn,
    format: "coffer-sealed-v1",
  });
  expect(key.pem).toContain("-----BEGIN PUBLIC KEY-----");
});

test("a drop token stores sealed input and can do nothing else; decrypt reads it back", async () => {
  const key = await anonymous.keys.publicKey.query();
  const { recordId } = await dropper.records.putSealed.mutate({
    keyName: "default",
    sealed: await seal(key, "dropped"),
  });
  const record = await opener.records.get.query({ recordId });
  expect(Buffer.from(record.plaintext, "base64url").toString()).toBe("dropped");

  expect(await refusalOf(dropper.records.get.query({ recordId }))).toBe("FORBIDDEN:scope_missing");
  expect(await refusalOf(dropper.records.put.mutate({ keyName: "default", plaintext: "eA" }))).toBe(
    "FORBIDDEN:scope_missing",
  );
  expect(await refusalOf(dropper.crypto.openSealed.mutate({ sealed: await seal(key, "x") }))).toBe(
    "FORBIDDEN:scope_missing",
  );
  expect(
    await refusalOf(opener.records.putSealed.mutate({ keyName: "default", sealed: await seal(key, "x") })),
  ).toBe("FORBIDDEN:scope_missing");
});

test("openSealed answers once; a replay is CONFLICT, an altered payload BAD_REQUEST, each with its reason", async () => {
  const key = await anonymous.keys.publicKey.query();
  const sealed = await seal(key, new Uint8Array([1, 2, 3]));
  expect((await opener.crypto.openSealed.mutate({ sealed })).plaintext).toBe("AQID");
  expect(await refusalOf(opener.crypto.openSealed.mutate({ sealed }))).toBe("CONFLICT:sealed_replayed");

  const altered = Buffer.from(await seal(key, "y"), "base64url");
  altered[altered.length - 1]! ^= 1;
  expect(await refusalOf(opener.crypto.openSealed.mutate({ sealed: altered.toString("base64url") }))).toBe(
    "BAD_REQUEST:sealed_tampered",
  );
  expect(await refusalOf(opener.crypto.openSealed.mutate({ sealed: "AAAA" }))).toBe(
    "BAD_REQUEST:sealed_malformed",
  );
});

test("KMS throttling the RSA key is TOO_MANY_REQUESTS; the payload still opens once KMS recovers", async () => {
  const key = await anonymous.keys.publicKey.query();
  const sealed = await seal(key, "later");
  const rule = stack.kms.faults.add({ kind: "throttle", operation: "Decrypt" });
  try {
    expect(await refusalOf(opener.crypto.openSealed.mutate({ sealed }))).toBe(
      "TOO_MANY_REQUESTS:kms_throttled",
    );
  } finally {
    stack.kms.faults.remove(rule);
  }
  expect((await opener.crypto.openSealed.mutate({ sealed })).plaintext).toBe(
    Buffer.from("later").toString("base64url"),
  );
});
