// The decryption side's cache: data keys that KMS already unwrapped, so that opening many envelopes
// made with one cached data key costs one KMS Decrypt. An entry answers exactly the question KMS
// answered: this wrapped key, under this KMS key, with this KMS context.
import { createHash } from "node:crypto";
import type { Clock } from "../clock";
import type { EncryptionContext, Kms } from "../kms";
import { encodeContext } from "./context";
import type { EnvelopeKey } from "./key-ring";
import { createKeyLru, fetchKey, isExpired, useKey, type CachedKey } from "./key-lru";

export interface UnwrappedKeyCacheOptions {
  kms: Kms;
  clock: Clock;
  maxEntries?: number;
}

export interface UnwrapRequest {
  key: EnvelopeKey;
  wrappedKey: Uint8Array;
  /** The full KMS context (the caller's plus the reserved entries), see kmsContextFor. */
  kmsContext: EncryptionContext;
}

export type UnwrappedKeyCache = ReturnType<typeof createUnwrappedKeyCache>;

export function createUnwrappedKeyCache({ kms, clock, maxEntries = 1_000 }: UnwrappedKeyCacheOptions) {
  const lru = createKeyLru(maxEntries);
  const now = () => clock.now();

  const unwrap =
    ({ key, wrappedKey, kmsContext }: UnwrapRequest) =>
    async () => {
      const dataKey = await kms.decrypt({ wrapped: wrappedKey, context: kmsContext, keyId: key.kmsKeyId });
      return { dataKey, wrappedKey: Buffer.from(wrappedKey) };
    };

  /**
   * Runs `use` (synchronously) with the unwrapped data key. Entries live for the key's maxAgeMs
   * (0 means no caching); concurrent misses for one entry share one KMS Decrypt; a failed Decrypt
   * is not cached.
   */
  async function withUnwrappedKey<T>(request: UnwrapRequest, use: (dataKey: Buffer) => T): Promise<T> {
    const maxAgeMs = request.key.cache.maxAgeMs;
    if (!(maxAgeMs > 0)) {
      const { dataKey } = await unwrap(request)();
      try {
        return use(dataKey);
      } finally {
        dataKey.fill(0);
      }
    }
    const nowMs = now();
    lru.sweepExpired(nowMs);
    const id = digest(request);
    let entry = lru.get(id);
    if (entry && isExpired(entry, nowMs)) {
      lru.retire(id, entry);
      entry = undefined;
    }
    if (!entry) {
      const created: CachedKey = fetchKey(unwrap(request), {
        now,
        maxAgeMs,
        onFailure: () => lru.retire(id, created),
      });
      lru.add(id, created);
      entry = created;
    }
    entry.holders += 1;
    return useKey(entry, (material) => use(material.dataKey));
  }

  return {
    withUnwrappedKey,
    get size() {
      return lru.size;
    },
    /** Zero-fills keys past their age now, without waiting for the next use. */
    sweep: () => lru.sweepExpired(clock.now(), true),
    clear: () => lru.clear(),
  };
}

// SHA-256 over length-prefixed fields, so no two different requests hash the same bytes:
// uint16 len ‖ KMS key id ‖ uint16 len ‖ wrapped key ‖ canonical KMS context (self-delimiting).
function digest({ key, wrappedKey, kmsContext }: UnwrapRequest): string {
  const keyId = Buffer.from(key.kmsKeyId);
  const lengths = Buffer.allocUnsafe(4);
  lengths.writeUInt16BE(keyId.length, 0);
  lengths.writeUInt16BE(wrappedKey.length, 2);
  return createHash("sha256")
    .update(lengths.subarray(0, 2))
    .update(keyId)
    .update(lengths.subarray(2))
    .update(wrappedKey)
    .update(encodeContext(kmsContext))
    .digest("base64");
}
