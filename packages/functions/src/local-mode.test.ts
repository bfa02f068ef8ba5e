import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createCofferClient, type CofferNodeClient } from "@coffer/client/node";
import { limits } from "@coffer/core/config";
import { inspectEnvelope } from "@coffer/core/crypto";
import { CofferError } from "@coffer/core/errors";
import { refusalOf } from "@coffer/testkit/refusal";
import { startTestStack } from "@coffer/testkit/stack";

// Local mode through the whole local stack: @coffer/client/node's coffer.local over HTTP, the two
// local-mode procedures in their functions (issue in api, open in decrypt), tokens, allow-lists and
// key lifecycle as in AWS. A local refusal must carry the reason the server's own path gives.

let stack: Awaited<ReturnType<typeof startTestStack>>;
let url: string;
let tokens: { full: string; encryptOnly: string; piiOnly: string };
/** API requests per procedure path, counted at the client's fetch. */
const requests = new Map<string, number>();

const countingFetch: typeof fetch = (input, init) => {
  const { pathname } = new URL(input instanceof Request ? input.url : String(input));
  for (const path of pathname.split("/").pop()!.split(",")) requests.set(path, (requests.get(path) ?? 0) + 1);
  return fetch(input, init);
};

const clientFor = (token: string): CofferNodeClient =>
  createCofferClient({ url, token, fetch: countingFetch });

beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  vi.spyOn(console, "log").mockImplementation(() => {});
  stack = await startTestStack();
  url = stack.gateway.url;
  tokens = {
    full: await stack.mintToken({ name: "svc", scopes: ["encrypt", "decrypt", "admin"] }),
    encryptOnly: await stack.mintToken({ name: "writer", scopes: ["encrypt"] }),
    piiOnly: await stack.mintToken({ name: "pii", scopes: ["encrypt", "decrypt"], keyNames: ["pii"] }),
  };
});
afterAll(() => stack.stop());

/** "kind/reason" of a local-mode refusal (a CofferError, as the service raised it), or "ok". */
const localOutcome = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: unknown) => {
      if (error instanceof CofferError) return `${error.kind}/${error.reason}`;
      throw error;
    },
  );

function pattern(size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) out[i] = (i * 7 + 3) & 0xff;
  return out;
}

test("round trips both ways with the service, up to the maximum size", async () => {
  const coffer = clientFor(tokens.full);
  for (const size of [0, 1024, 1024 * 1024, limits.maxPlaintextBytes]) {
    const plaintext = pattern(size);
    const context = { tenant: "acme", size: String(size) };
    const local = await coffer.local.encrypt({ keyName: "default", plaintext, context });
    const served = await coffer.crypto.decrypt.mutate({ envelope: local.toString("base64url"), context });
    expect(Buffer.from(served.plaintext, "base64url").equals(plaintext)).toBe(true);
    const { envelope } = await coffer.crypto.encrypt.mutate({
      keyName: "default",
      plaintext: plaintext.toString("base64url"),
      context,
    });
    expect((await coffer.local.decrypt({ envelope, context })).plaintext.equals(plaintext)).toBe(true);
  }
}, 120_000);

test("concurrent local encrypts on a cold cache make one API call, and so do 1,000 more", async () => {
  const coffer = clientFor(tokens.full);
  requests.clear();
  const context = { tenant: "cold" };
  const made = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      coffer.local.encrypt({ keyName: "default", plaintext: `m${i}`, context }),
    ),
  );
  for (let i = 0; i < 1_000; i++) await coffer.local.encrypt({ keyName: "default", plaintext: "x", context });
  await Promise.all(made.map((envelope) => coffer.local.decrypt({ envelope, context })));
  expect(Object.fromEntries(requests)).toEqual({ "crypto.issueEnvelopeKey": 1, "crypto.openEnvelopeKey": 1 });
  expect(inspectEnvelope(made[0]!)).toMatchObject({ keyName: "default", mode: "kms", context });
});

test("scopes and allow-lists refuse local mode with the server's reasons", async () => {
  const context = { tenant: "acme" };
  const full = clientFor(tokens.full);
  const envelope = await full.local.encrypt({ keyName: "default", plaintext: "secret", context });

  const writer = clientFor(tokens.encryptOnly);
  expect(await localOutcome(writer.local.encrypt({ keyName: "default", plaintext: "x", context }))).toBe(
    "ok",
  );
  expect(
    await refusalOf(writer.crypto.decrypt.mutate({ envelope: envelope.toString("base64url"), context })),
  ).toBe("FORBIDDEN:scope_missing");
  expect(await localOutcome(writer.local.decrypt({ envelope, context }))).toBe("forbidden/scope_missing");

  const pii = clientFor(tokens.piiOnly);
  expect(await localOutcome(pii.local.encrypt({ keyName: "default", plaintext: "x", context }))).toBe(
    "forbidden/key_not_allowed",
  );
  expect(await localOutcome(pii.local.decrypt({ envelope, context }))).toBe("forbidden/key_not_allowed");
  expect(
    await refusalOf(pii.crypto.decrypt.mutate({ envelope: envelope.toString("base64url"), context })),
  ).toBe("FORBIDDEN:key_not_allowed");
});

test("bad input to the two procedures is BAD_REQUEST with the field", async () => {
  const coffer = clientFor(tokens.full);
  const issued = await coffer.crypto.issueEnvelopeKey.mutate({ keyName: "default" });
  expect(issued).toMatchObject({ keyName: "default", keyVersion: 1, mode: "kms" });
  expect(Buffer.from(issued.dataKey, "base64url")).toHaveLength(32);
  const open = { keyName: "default", keyVersion: 1, mode: "kms" as const, wrappedKey: issued.wrappedKey };
  expect(await refusalOf(coffer.crypto.openEnvelopeKey.mutate(open))).toBe("ok");
  for (const bad of [
    { ...open, keyVersion: 0 },
    { ...open, mode: "other" },
    { ...open, wrappedKey: "" },
    { ...open, keyName: "nope" },
  ]) {
    expect(await refusalOf(coffer.crypto.openEnvelopeKey.mutate(bad as typeof open))).toMatch(/^BAD_REQUEST/);
  }
  expect(
    await refusalOf(coffer.crypto.issueEnvelopeKey.mutate({ keyName: "default", context: { "": "x" } })),
  ).toMatch(/^BAD_REQUEST/);
});

/** The decrypt function's instance sees a key change within its ring's 1 s bound. */
const withinBound = (check: () => Promise<void>) => vi.waitFor(check, { timeout: 1_500, interval: 100 });

test("a retired version and a disabled key: refused locally with the server's reasons", async () => {
  const admin = clientFor(tokens.full);
  const context = { tenant: "lifecycle" };
  const v1 = await admin.local.encrypt({ keyName: "pii", plaintext: "one", context });
  await admin.admin.keys.rotate.mutate({ keyName: "pii" });
  await admin.admin.keys.setMinDecryptionVersion.mutate({ keyName: "pii", minDecryptionVersion: 2 });
  // A fresh client each time: a key this process already holds serves until its cache age.
  await withinBound(async () => {
    expect(
      await refusalOf(admin.crypto.decrypt.mutate({ envelope: v1.toString("base64url"), context })),
    ).toBe("PRECONDITION_FAILED:key_version_retired");
    expect(await localOutcome(clientFor(tokens.full).local.decrypt({ envelope: v1, context }))).toBe(
      "key_unusable/key_version_retired",
    );
  });

  // Admin changes reach the api function's key ring within its staleness bound too.
  let v2: Buffer = Buffer.alloc(0);
  await withinBound(async () => {
    v2 = await clientFor(tokens.full).local.encrypt({ keyName: "pii", plaintext: "two", context });
    expect(inspectEnvelope(v2).keyVersion).toBe(2);
  });
  await admin.admin.keys.disable.mutate({ keyName: "pii" });
  await withinBound(async () => {
    expect(
      await localOutcome(clientFor(tokens.full).local.encrypt({ keyName: "pii", plaintext: "x", context })),
    ).toBe("key_unusable/key_disabled");
  });
  await withinBound(async () => {
    expect(
      await refusalOf(admin.crypto.decrypt.mutate({ envelope: v2.toString("base64url"), context })),
    ).toBe("PRECONDITION_FAILED:key_disabled");
    expect(await localOutcome(clientFor(tokens.full).local.decrypt({ envelope: v2, context }))).toBe(
      "key_unusable/key_disabled",
    );
  });
  await admin.admin.keys.enable.mutate({ keyName: "pii" });
  await withinBound(async () => {
    expect(await localOutcome(clientFor(tokens.full).local.decrypt({ envelope: v2, context }))).toBe("ok");
  });
});
