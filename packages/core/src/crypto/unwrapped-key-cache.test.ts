// The decryption cache against the real KMS emulator: one KMS Decrypt per (KMS key, wrapped key,
// KMS context), never an answer that KMS itself would not give.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { manualClock } from "../clock";
import { defaultCachePolicy } from "../config";
import { isCofferError } from "../errors";
import { encodeContext, kmsContextFor, type EncryptionContext } from "./context";
import { keyBinding } from "./key-slot";
import type { EnvelopeKey } from "./key-ring";
import { startEmulatedKms, type EmulatedKms } from "@coffer/testkit/emulated-kms";
import type { UnwrapRequest } from "./key-source";
import { createUnwrappedKeyCache } from "./unwrapped-key-cache";

let kms: EmulatedKms;
beforeAll(async () => void (kms = await startEmulatedKms()));
afterAll(() => kms.close());
beforeEach(() => kms.emulator.faults.clear());

const acme = { tenant: "acme" };
const globex = { tenant: "globex" };

/** A decrypt's unwrap request for a key slot (the key binding as the envelope would hold it). */
function requestFor(
  key: EnvelopeKey,
  wrappedKey: Uint8Array,
  context: EncryptionContext,
  keyVersion = 1,
): UnwrapRequest {
  return {
    key,
    mode: "kms",
    keyVersion,
    context,
    wrappedKey,
    keyBinding: keyBinding(key.name, encodeContext(context), keyVersion, wrappedKey),
  };
}

async function setup(maxAgeMs = 60_000) {
  const clock = manualClock(0);
  const cache = createUnwrappedKeyCache({ source: kms.kms, clock });
  const key: EnvelopeKey = {
    name: "default",
    kmsKeyId: kms.keys.default.alias,
    version: 1,
    cache: { ...defaultCachePolicy, maxAgeMs },
    mode: "kms",
  };
  const fresh = await kms.kms.generateDataKey({
    keyId: key.kmsKeyId,
    context: kmsContextFor("default", 1, acme),
    bits: 256,
  });
  kms.emulator.resetCounts();
  const unwrap = (context: EncryptionContext = acme, keyVersion = 1) =>
    cache.withUnwrappedKey(requestFor(key, fresh.wrapped, context, keyVersion), ({ dataKey }) =>
      Buffer.from(dataKey),
    );
  return { clock, cache, fresh, key, unwrap };
}

const decrypted = () => kms.calls("Decrypt");

describe("unwrapped-key cache", () => {
  test("one KMS Decrypt serves every envelope made with the same data key", async () => {
    const { unwrap, fresh } = await setup();
    for (let i = 0; i < 10; i++) expect((await unwrap()).equals(fresh.plaintext)).toBe(true);
    expect(decrypted()).toBe(1);
  });

  test("50 concurrent misses make one KMS Decrypt", async () => {
    const { unwrap } = await setup();
    await Promise.all(Array.from({ length: 50 }, () => unwrap()));
    expect(decrypted()).toBe(1);
  });

  test("another context never gets the cached key: it goes to KMS, which refuses it", async () => {
    const { unwrap } = await setup();
    await unwrap(acme);
    await unwrap(acme);
    await expect(unwrap(globex)).rejects.toMatchObject({ reason: "wrapped_key_rejected" });
    await expect(unwrap(acme, 2)).rejects.toMatchObject({ reason: "wrapped_key_rejected" });
    expect(decrypted()).toBe(3);
  });

  test("entries expire at maxAgeMs", async () => {
    const { unwrap, clock } = await setup(1_000);
    await unwrap();
    clock.advance(999);
    await unwrap();
    expect(decrypted()).toBe(1);
    clock.advance(1);
    await unwrap();
    expect(decrypted()).toBe(2);
  });

  test("maxAgeMs 0 means no caching, and the key is wiped after use", async () => {
    const { unwrap, cache, fresh, key } = await setup(0);
    let seen: Buffer | undefined;
    await cache.withUnwrappedKey(
      requestFor(key, fresh.wrapped, acme),
      ({ dataKey }) => void (seen = dataKey),
    );
    await unwrap();
    expect(decrypted()).toBe(2);
    expect(cache.size).toBe(0);
    expect(seen!.every((byte) => byte === 0)).toBe(true);
  });

  test("a failed Decrypt is not cached", async () => {
    const { unwrap, cache } = await setup();
    kms.emulator.faults.add({
      kind: "error",
      type: "AccessDeniedException",
      status: 400,
      operation: "Decrypt",
      count: 1,
    });
    const outcomes = await Promise.allSettled([unwrap(), unwrap(), unwrap()]);
    expect(outcomes.every((o) => o.status === "rejected" && isCofferError(o.reason, "forbidden"))).toBe(true);
    expect(cache.size).toBe(0);
    await unwrap();
    expect(decrypted()).toBe(2);
  });

  test("a key slot edited in place after a decrypt is looked up afresh, never served from the last one", async () => {
    const { cache, fresh, key, unwrap } = await setup();
    const request = requestFor(key, fresh.wrapped, acme);
    await cache.withUnwrappedKey(request, () => undefined);
    // The same buffer, now binding another context of the same length: the remembered id must not
    // answer for it, so it goes to KMS, which refuses (the key was wrapped under "acme").
    const other = { tenant: "acmf" };
    request.keyBinding.set(keyBinding(key.name, encodeContext(other), 1, fresh.wrapped));
    const outcome = cache.withUnwrappedKey({ ...request, context: other }, () => undefined);
    await expect(outcome).rejects.toSatisfy((error) => isCofferError(error));
    expect(decrypted()).toBe(2);
    await unwrap(); // the original slot is still cached
    expect(decrypted()).toBe(2);
  });
});
