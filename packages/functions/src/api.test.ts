import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { type CofferClient, createCofferClient } from "@coffer/client";
import { limits } from "@coffer/core/config";
import { startTestStack } from "@coffer/testkit/stack";
import { refusalOf as outcome } from "@coffer/testkit/refusal";
import { b64 } from "@coffer/testkit/b64";

// The encryption API end to end: the typed client, the local gateway, the unchanged Lambda
// handlers, the KMS emulator and DynamoDB Local.

let stack: Awaited<ReturnType<typeof startTestStack>>;
let full: CofferClient;
const clientWith = (token: string) => createCofferClient({ url: stack.gateway.url, token });
const bytes = (text: string) => Buffer.from(text, "base64url");

beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  stack = await startTestStack();
  full = clientWith(
    await stack.mintToken({ name: "full", scopes: ["datakey", "encrypt", "decrypt", "rewrap", "admin"] }),
  );
});
afterAll(() => stack.stop());

/**
 * Runs `check` with the clock one second past `expiresAt` (epoch seconds) instead of sleeping until
 * then. The handlers run in this process and read time through systemClock (Date.now), so faking
 * only Date moves their clock; timers, sockets and the SDK keep real time.
 */
async function afterExpiry(expiresAt: number, check: () => Promise<void>) {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
  try {
    vi.setSystemTime((expiresAt + 1) * 1000);
    await check();
  } finally {
    vi.useRealTimers();
  }
}

describe("data keys", () => {
  test("a data key round-trips under its context, and only under it", async () => {
    const context = { tenant: "acme", purpose: "invoices" };
    const made = await full.keys.dataKey.mutate({ keyName: "default", context });
    expect(bytes(made.key!)).toHaveLength(32);
    const back = await full.keys.decryptDataKey.mutate({
      keyName: "default",
      wrappedKey: made.wrappedKey,
      context,
    });
    expect(back.key).toBe(made.key);
    expect(
      await outcome(
        full.keys.decryptDataKey.mutate({
          keyName: "default",
          wrappedKey: made.wrappedKey,
          context: { tenant: "acme" },
        }),
      ),
    ).toBe("BAD_REQUEST:wrapped_key_rejected");
  });

  test("AES_128 gives 16 bytes; plaintext: false gives only the wrapped key", async () => {
    const short = await full.keys.dataKey.mutate({ keyName: "default", keySpec: "AES_128" });
    expect(bytes(short.key!)).toHaveLength(16);
    const wrappedOnly = await full.keys.dataKey.mutate({ keyName: "default", plaintext: false });
    expect(wrappedOnly).not.toHaveProperty("key");
    const unwrapped = await full.keys.decryptDataKey.mutate({
      keyName: "default",
      wrappedKey: wrappedOnly.wrappedKey,
    });
    expect(bytes(unwrapped.key)).toHaveLength(32);
  });

  test("reserved contexts cannot unwrap envelope or bin keys", async () => {
    expect(
      await outcome(full.keys.dataKey.mutate({ keyName: "default", context: { "coffer:key": "default" } })),
    ).toBe("BAD_REQUEST");
    expect(await outcome(full.keys.dataKey.mutate({ keyName: "default", context: { purpose: "bin" } }))).toBe(
      "BAD_REQUEST",
    );
  });
});

describe("encrypt and decrypt", () => {
  test.each([
    ["0 B", 0],
    ["1 B", 1],
    ["1 KiB", 1024],
    ["the maximum", limits.maxPlaintextBytes],
  ])("%s round-trips", async (_, size) => {
    const plaintext = Buffer.alloc(size, 7);
    if (size > 0) plaintext[size - 1] = 1;
    const context = { order: "42" };
    const { envelope, keyName } = await full.crypto.encrypt.mutate({
      keyName: "default",
      plaintext: b64(plaintext),
      context,
    });
    expect(keyName).toBe("default");
    const opened = await full.crypto.decrypt.mutate({ envelope, context });
    expect(bytes(opened.plaintext).equals(plaintext)).toBe(true);
  });

  test("one byte over the maximum is refused before any work", async () => {
    const result = await outcome(
      full.crypto.encrypt.mutate({
        keyName: "default",
        plaintext: b64(Buffer.alloc(limits.maxPlaintextBytes + 1)),
      }),
    );
    expect(result).toBe("BAD_REQUEST");
  });

  test("the same plaintext twice gives two different envelopes", async () => {
    const one = await full.crypto.encrypt.mutate({ keyName: "default", plaintext: b64("same") });
    const two = await full.crypto.encrypt.mutate({ keyName: "default", plaintext: b64("same") });
    expect(one.envelope).not.toBe(two.envelope);
  });

  test("a wrong context, a tampered or foreign envelope each get their own reason", async () => {
    const { envelope } = await full.crypto.encrypt.mutate({
      keyName: "default",
      plaintext: b64("secret"),
      context: { a: "1" },
    });
    expect(await outcome(full.crypto.decrypt.mutate({ envelope, context: { a: "2" } }))).toBe(
      "BAD_REQUEST:context_mismatch",
    );
    const tampered = bytes(envelope);
    tampered[tampered.length - 1]! ^= 1;
    expect(await outcome(full.crypto.decrypt.mutate({ envelope: b64(tampered), context: { a: "1" } }))).toBe(
      "BAD_REQUEST:authentication_failed",
    );
    expect(await outcome(full.crypto.decrypt.mutate({ envelope: b64("not an envelope at all") }))).toMatch(
      /^BAD_REQUEST:envelope_/,
    );
  });

  test("batches answer per item, good and bad mixed", async () => {
    const { results } = await full.crypto.encryptBatch.mutate({
      items: [
        { keyName: "default", plaintext: b64("one") },
        { keyName: "default", plaintext: b64("two"), context: { k: "v" } },
      ],
    });
    expect(results.every((r) => r.ok)).toBe(true);
    const envelopes = results.map((r) => (r.ok ? r.envelope : ""));
    const decrypted = await full.crypto.decryptBatch.mutate({
      items: [
        { envelope: envelopes[0]! },
        { envelope: envelopes[1]!, context: { k: "wrong" } },
        { envelope: b64("garbage!") },
        { envelope: envelopes[1]!, context: { k: "v" } },
      ],
    });
    expect(
      decrypted.results.map((r) =>
        r.ok ? bytes(r.plaintext).toString() : `${r.error.code}:${r.error.reason}`,
      ),
    ).toEqual(["one", "BAD_REQUEST:context_mismatch", "BAD_REQUEST:envelope_malformed", "two"]);
  });

  test("a batch over the item cap is refused whole", async () => {
    const items = Array.from({ length: limits.maxBatchItems + 1 }, () => ({
      keyName: "default" as const,
      plaintext: "",
    }));
    expect(await outcome(full.crypto.encryptBatch.mutate({ items }))).toBe("BAD_REQUEST");
  });

  test("rewrap after a KMS rotation moves the data key to the new material without the payload", async () => {
    const { envelope } = await full.crypto.encrypt.mutate({
      keyName: "default",
      plaintext: b64("rotate me"),
      context: { r: "1" },
    });
    stack.kms.rotate(stack.keyArns.default!);
    const rewrapped = await full.crypto.rewrap.mutate({ envelope });
    expect(rewrapped.envelope).not.toBe(envelope);
    // The KMS blob inside the envelope now names a newer backing key version (emulator blob: uint32 at 20).
    const kmsVersion = (env: string) => {
      const raw = bytes(env);
      const at = raw.indexOf(Buffer.from("CKE1"));
      return raw.readUInt32BE(at + 20);
    };
    expect(kmsVersion(rewrapped.envelope)).toBe(kmsVersion(envelope) + 1);
    for (const each of [envelope, rewrapped.envelope]) {
      expect(
        bytes(
          (await full.crypto.decrypt.mutate({ envelope: each, context: { r: "1" } })).plaintext,
        ).toString(),
      ).toBe("rotate me");
    }
  });
});

describe("records", () => {
  test("put, get and delete", async () => {
    const put = await full.records.put.mutate({
      keyName: "default",
      plaintext: b64("record body"),
      context: { kind: "note" },
    });
    const got = await full.records.get.query({ recordId: put.recordId });
    expect(got).toMatchObject({
      recordId: put.recordId,
      keyName: "default",
      context: { kind: "note" },
      expiresAt: null,
    });
    expect(bytes(got.plaintext).toString()).toBe("record body");
    await full.records.delete.mutate({ recordId: put.recordId });
    expect(await outcome(full.records.get.query({ recordId: put.recordId }))).toBe(
      "NOT_FOUND:record_not_found",
    );
    expect(await outcome(full.records.delete.mutate({ recordId: put.recordId }))).toBe(
      "NOT_FOUND:record_not_found",
    );
  });

  // The clock moves past the expiry while the item is still stored, so the refusal comes from the
  // service, not from DynamoDB Local's TTL job (core's records/service.test.ts shows it in depth).
  test("a record reads until its expiry and is NOT_FOUND after it", async () => {
    // An hour ahead, so that neither a slow machine nor DynamoDB Local's TTL job gets there first.
    const soon = Math.floor(Date.now() / 1000) + 3600;
    const put = await full.records.put.mutate({
      keyName: "default",
      plaintext: b64("short-lived"),
      expiresAt: soon,
    });
    expect((await full.records.get.query({ recordId: put.recordId })).expiresAt).toBe(soon);
    await afterExpiry(soon, async () =>
      expect(await outcome(full.records.get.query({ recordId: put.recordId }))).toBe(
        "NOT_FOUND:record_not_found",
      ),
    );
    expect(
      await outcome(full.records.put.mutate({ keyName: "default", plaintext: b64("x"), expiresAt: 1_000 })),
    ).toBe("BAD_REQUEST:expiry_in_past");
  });

  test("a retried put with the same idempotency key returns the first id and stores nothing twice", async () => {
    const input = { keyName: "default" as const, plaintext: b64("pay once"), idempotencyKey: "order-77" };
    const first = await full.records.put.mutate(input);
    const again = await full.records.put.mutate(input);
    const concurrent = await Promise.all([1, 2, 3].map(() => full.records.put.mutate(input)));
    expect(first.replayed).toBe(false);
    expect(again).toMatchObject({ recordId: first.recordId, replayed: true });
    expect(new Set(concurrent.map((r) => r.recordId))).toEqual(new Set([first.recordId]));
    const other = await full.records.put.mutate({ ...input, idempotencyKey: "order-78" });
    expect(other.recordId).not.toBe(first.recordId);
  });

  test("an idempotency key reused for a different put is CONFLICT and stores nothing", async () => {
    const input = { keyName: "default" as const, plaintext: b64("pay once"), idempotencyKey: "order-90" };
    const first = await full.records.put.mutate({ ...input, context: { order: "90", shop: "a" } });
    const differing: Parameters<typeof full.records.put.mutate>[0][] = [
      { ...input, context: { order: "91", shop: "a" } },
      { ...input, context: { order: "90" } },
      { ...input, context: { order: "90", shop: "a" }, plaintext: b64("pay twice") },
      { ...input, context: { order: "90", shop: "a" }, keyName: "pii" },
      { ...input, context: { order: "90", shop: "a" }, expiresAt: Math.floor(Date.now() / 1000) + 3600 },
    ];
    for (const request of differing) {
      expect(await outcome(full.records.put.mutate(request))).toBe("CONFLICT:idempotency_key_reused");
    }
    // Context order is not part of the request's meaning.
    const reordered = await full.records.put.mutate({ ...input, context: { shop: "a", order: "90" } });
    expect(reordered).toMatchObject({ recordId: first.recordId, replayed: true });
    const { plaintext } = await full.records.get.query({ recordId: first.recordId });
    expect(plaintext).toBe(input.plaintext);
  });
});

describe("tokens and scopes", () => {
  test("an encrypt-only token cannot decrypt; a decrypt-only token cannot encrypt or store", async () => {
    const encryptOnly = clientWith(await stack.mintToken({ name: "enc", scopes: ["encrypt"] }));
    const decryptOnly = clientWith(await stack.mintToken({ name: "dec", scopes: ["decrypt"] }));
    const { envelope } = await encryptOnly.crypto.encrypt.mutate({ keyName: "default", plaintext: b64("x") });
    expect(await outcome(encryptOnly.crypto.decrypt.mutate({ envelope }))).toBe("FORBIDDEN:scope_missing");
    expect(await outcome(decryptOnly.crypto.decrypt.mutate({ envelope }))).toBe("ok");
    expect(
      await outcome(decryptOnly.crypto.encrypt.mutate({ keyName: "default", plaintext: b64("x") })),
    ).toBe("FORBIDDEN:scope_missing");
    expect(await outcome(decryptOnly.records.put.mutate({ keyName: "default", plaintext: b64("x") }))).toBe(
      "FORBIDDEN:scope_missing",
    );
    expect(await outcome(encryptOnly.keys.dataKey.mutate({ keyName: "default" }))).toBe(
      "FORBIDDEN:scope_missing",
    );
  });

  test("a key outside the token's allow-list is FORBIDDEN; a key outside the catalog is BAD_REQUEST", async () => {
    const narrow = clientWith(
      await stack.mintToken({
        name: "narrow",
        scopes: ["encrypt", "decrypt", "datakey"],
        keyNames: ["default"],
      }),
    );
    expect(await outcome(narrow.crypto.encrypt.mutate({ keyName: "default", plaintext: b64("ok") }))).toBe(
      "ok",
    );
    expect(await outcome(narrow.crypto.encrypt.mutate({ keyName: "pii", plaintext: b64("no") }))).toBe(
      "FORBIDDEN:key_not_allowed",
    );
    expect(await outcome(narrow.keys.dataKey.mutate({ keyName: "pii" }))).toBe("FORBIDDEN:key_not_allowed");
    const { envelope } = await full.crypto.encrypt.mutate({ keyName: "pii", plaintext: b64("personal") });
    expect(await outcome(narrow.crypto.decrypt.mutate({ envelope }))).toBe("FORBIDDEN:key_not_allowed");
    expect(await outcome(narrow.crypto.encrypt.mutate({ keyName: "bins", plaintext: b64("no") }))).toBe(
      "BAD_REQUEST",
    );
  });

  test("missing, unknown, revoked and expired tokens are UNAUTHORIZED; admin needs admin", async () => {
    const anonymous = createCofferClient({ url: stack.gateway.url });
    expect(await outcome(anonymous.crypto.encrypt.mutate({ keyName: "default", plaintext: "" }))).toBe(
      "UNAUTHORIZED:token_missing",
    );
    expect(
      await outcome(clientWith("coffer_x").crypto.encrypt.mutate({ keyName: "default", plaintext: "" })),
    ).toBe("UNAUTHORIZED:token_invalid");

    const created = await full.admin.tokens.create.mutate({ name: "to-revoke", scopes: ["encrypt"] });
    const victim = clientWith(created.token);
    expect(await outcome(victim.crypto.encrypt.mutate({ keyName: "default", plaintext: "" }))).toBe("ok");
    await full.admin.tokens.revoke.mutate({ tokenId: created.tokenId });
    // The admin function revoked it; the api function trusts a verified token for a second.
    await expect
      .poll(() => outcome(victim.crypto.encrypt.mutate({ keyName: "default", plaintext: "" })), {
        timeout: 5_000,
        interval: 200,
      })
      .toBe("UNAUTHORIZED:token_invalid");

    const soon = Math.floor(Date.now() / 1000) + 3600;
    const shortLived = clientWith(
      (await full.admin.tokens.create.mutate({ name: "short", scopes: ["encrypt"], expiresAt: soon })).token,
    );
    await afterExpiry(soon, async () =>
      expect(await outcome(shortLived.crypto.encrypt.mutate({ keyName: "default", plaintext: "" }))).toBe(
        "UNAUTHORIZED:token_invalid",
      ),
    );

    expect(await outcome(victim.admin.tokens.list.query())).toBe("UNAUTHORIZED:token_invalid");
    const notAdmin = clientWith(await stack.mintToken({ name: "plain", scopes: ["encrypt", "decrypt"] }));
    expect(await outcome(notAdmin.admin.tokens.list.query())).toBe("FORBIDDEN:scope_missing");
    const listed = await full.admin.tokens.list.query();
    expect(listed.tokens.find((t) => t.tokenId === created.tokenId)?.status).toBe("revoked");
    expect(JSON.stringify(listed)).not.toContain(created.token);
  });
});
