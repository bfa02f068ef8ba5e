// The decryption side's cache: data keys that KMS already unwrapped, so that opening many envelopes
// made with one cached data key costs one KMS Decrypt. An entry answers exactly the question KMS
// answered: this wrapped key, under this KMS key, with this KMS context.
import type { KeyCacheOutcome } from "../telemetry";
import { hash } from "node:crypto";
import type { Clock } from "../clock";
import type { EnvelopeMode } from "../config";
import type { Kms } from "../kms";
import { kmsKeySource, type KeySource, type UnwrapRequest } from "./key-source";
import { createKeyLru, isExpired, keyMaterial, useKey, useOnce, type KeyMaterial } from "./key-lru";

export interface UnwrappedKeyCacheOptions {
  /** Who unwraps: KMS (the service), or the service's API (local mode). */
  source: KeySource | Kms;
  clock: Clock;
  maxEntries?: number;
  /** Told of each lookup: a hit (no KMS call), a miss (one Decrypt) or a bypass (caching off for the key). */
  onLookup?: (outcome: KeyCacheOutcome) => void;
}

export type UnwrappedKeyCache = ReturnType<typeof createUnwrappedKeyCache>;

export function createUnwrappedKeyCache({
  source,
  clock,
  maxEntries = 1_000,
  onLookup,
}: UnwrappedKeyCacheOptions) {
  const lru = createKeyLru(maxEntries);
  const now = () => clock.now();
  const keySource = "unwrap" in source ? source : kmsKeySource(source);

  const lastId = lastCacheKey();
  const unwrap = (request: UnwrapRequest) => async () =>
    keyMaterial(await keySource.unwrap(request), Buffer.from(request.wrappedKey));

  /**
   * Runs `use` (synchronously) with the unwrapped data key. Entries live for the key's maxAgeMs
   * (0 means no caching); concurrent misses for one entry share one KMS Decrypt; a failed Decrypt
   * is not cached.
   */
  async function withUnwrappedKey<T>(request: UnwrapRequest, use: (material: KeyMaterial) => T): Promise<T> {
    const maxAgeMs = request.key.cache.maxAgeMs;
    if (!(maxAgeMs > 0)) {
      onLookup?.("bypass");
      return useOnce(unwrap(request), use);
    }
    const nowMs = now();
    lru.sweepExpired(nowMs);
    const id = lastId.of(request);
    // The hit, every message but the first: no options object and no closures to make.
    const hit = lru.get(id);
    if (hit && !isExpired(hit, nowMs)) {
      onLookup?.("hit");
      hit.holders += 1;
      return useKey(hit, use);
    }
    // The LRU calls fetch synchronously, and only when it has no usable entry.
    let missed = false;
    const fetch = unwrap(request);
    const entry = lru.acquire(id, {
      isUsable: (cached) => !isExpired(cached, nowMs),
      fetch: () => ((missed = true), fetch()),
      now,
      maxAgeMs,
    });
    onLookup?.(missed ? "miss" : "hit");
    return useKey(entry, use);
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

/**
 * cacheKey with a memory of one: a run of decrypts of envelopes made with one data key carries the
 * same key slot each time, and comparing its ~300 bytes costs a fraction of a SHA-256 and a base64
 * string per message. Equal inputs give the equal id, so this changes no answer. The key slot is
 * not secret (a wrapped key, a key name, a context), so a plain comparison is fine.
 */
function lastCacheKey() {
  let last: {
    kmsKeyId: string;
    name: string;
    mode: EnvelopeMode;
    version: number;
    binding: Buffer;
    id: string;
  };
  let known = false;
  return {
    of(request: UnwrapRequest): string {
      const { key, mode, keyVersion, keyBinding } = request;
      if (
        known &&
        last.binding.equals(keyBinding) &&
        last.mode === mode &&
        last.version === keyVersion &&
        last.kmsKeyId === key.kmsKeyId &&
        last.name === key.name
      )
        return last.id;
      const id = cacheKey(request);
      // A copy of the binding: the caller's envelope may change after this call.
      const binding = Buffer.from(keyBinding);
      last = { kmsKeyId: key.kmsKeyId, name: key.name, mode, version: keyVersion, binding, id };
      known = true;
      return id;
    },
  };
}

// The cache key: the KMS key id (as a netstring, "<length>:<id>") and the SHA-256 of the key
// binding. The key binding holds the wrapped key and, length-prefixed, the key name, canonical
// context and key version, from which the KMS context is built one to one: so this is the digest
// of "wrapped key plus KMS context" without building and encoding the KMS context each time.
// crypto.hash (one call) costs a third of createHash().update().digest() here.
// In derived mode the KMS context holds no caller context, so neither does the cache key: one
// KMS Decrypt per wrapped key serves every context. The key name (a netstring), the version and the
// wrapped key's digest are what its KMS context and blob are made of. The two forms cannot collide:
// after the KMS key id a KMS-mode id is exactly one 44-character digest, a derived one is longer.
function cacheKey({ key, mode, keyVersion, wrappedKey, keyBinding }: UnwrapRequest): string {
  const kms = `${key.kmsKeyId.length}:${key.kmsKeyId}`;
  if (mode === "kms") return `${kms}${hash("sha256", keyBinding, "base64")}`;
  return `${kms}d${key.name.length}:${key.name}${keyVersion}:${hash("sha256", wrappedKey, "base64")}`;
}
