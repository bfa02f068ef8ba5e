// The encryption side's data-key cache: one KMS GenerateDataKey serves many encrypts, within the
// key's policy. Each cached data key gets one random salt, so its message keys are derived once
// (message-key-memo.ts) and every message differs only by its random IV. That is safe while the
// number of messages and bytes under one AES-GCM key stays within the random-IV bounds, which the
// hard caps below enforce whatever a policy says (docs/envelope.md, "One salt per data key").
import type { KeyCacheOutcome } from "../telemetry";
import type { Clock } from "../clock";
import type { DataKeyCachePolicy, EnvelopeMode } from "../config";
import type { Kms } from "../kms";
import { type EncryptionKeyRequest, kmsKeySource, type KeySource } from "./key-source";
import {
  createKeyLru,
  isExpired,
  keyMaterial,
  useKey,
  useOnce,
  type CachedKey,
  type KeyMaterial,
} from "./key-lru";
import { newSalt } from "./nonces";

/**
 * Messages per data key, whatever the policy says. With random 96-bit IVs under one key the chance
 * that two of q messages share an IV is about q²/2^97 (NIST SP 800-38D allows q up to 2^32, a
 * chance of 2^-33); 2^20 keeps it near 2^-57. In derived mode every context has its own AES key,
 * and the cap still counts all of them, which only errs on the safe side.
 */
export const MAX_MESSAGES_PER_DATA_KEY = 2 ** 20;
/**
 * Plaintext bytes per data key, whatever the policy says: 2^32 bytes are 2^28 AES blocks, 1/256 of
 * the 2^36 blocks at which the CFRG AEAD-limits draft puts an attacker's advantage at 2^-57.
 */
export const MAX_BYTES_PER_DATA_KEY = 2 ** 32;

/**
 * A cached data key as the encrypting side uses it: with the one salt of all its messages, and the
 * key version and mode it was issued for (in local mode the service says which, not the request).
 */
export interface SealingKey extends KeyMaterial {
  salt: Buffer;
  keyVersion: number;
  mode: EnvelopeMode;
}

export interface DataKeyCacheOptions {
  /** Where data keys come from: KMS (the service), or the service's API (local mode). */
  source: KeySource | Kms;
  clock: Clock;
  /** Distinct (key, version, context) entries kept; the least recently used goes first. */
  maxEntries?: number;
  /** Told of each lookup: a hit (no KMS call), a miss (one GenerateDataKey) or a bypass (no reuse allowed). */
  onLookup?: (outcome: KeyCacheOutcome) => void;
}

export type DataKeyCache = ReturnType<typeof createDataKeyCache>;

export function createDataKeyCache({ source, clock, maxEntries = 1_000, onLookup }: DataKeyCacheOptions) {
  const lru = createKeyLru(maxEntries);
  const now = () => clock.now();
  const keySource = "generate" in source ? source : kmsKeySource(source);

  const generate = (request: EncryptionKeyRequest) => async (): Promise<SealingKey> => {
    const fresh = await keySource.generate(request);
    const { keyVersion, mode } = fresh;
    return { ...keyMaterial(fresh.plaintext, fresh.wrapped), salt: newSalt(), keyVersion, mode };
  };

  /**
   * Runs `use` (synchronously) with a data key for this request, reserving one message and the
   * plaintext's bytes against the key's policy. Concurrent misses for the same entry share one
   * GenerateDataKey as long as the policy has room for all of them; a failed generation is not
   * cached and every caller waiting on it gets the error.
   */
  async function withDataKey<T>(request: EncryptionKeyRequest, use: (key: SealingKey) => T): Promise<T> {
    const policy = request.key.cache;
    const maxMessages = effectiveMaxMessages(policy);
    const maxBytes = effectiveMaxBytes(policy);
    const nowMs = now();
    lru.sweepExpired(nowMs);
    // Every material in this cache comes from generate(), so it carries its salt.
    const useSealing = use as (material: KeyMaterial) => T;

    if (!allowsReuse(policy, maxMessages, maxBytes, request.plaintextBytes)) {
      onLookup?.("bypass");
      return useOnce(generate(request), useSealing);
    }

    const id = entryId(request);
    // The hit, nearly every message: no options object and no closures to make (as in the
    // unwrapped-key cache). The same test as acquire's isUsable below, the same reservation.
    const hit = lru.get(id);
    if (hit && hasRoom(hit, nowMs, maxMessages, maxBytes, request.plaintextBytes)) {
      onLookup?.("hit");
      hit.holders += 1;
      return useKey(countMessage(hit, request.plaintextBytes), useSealing);
    }

    // The LRU calls fetch synchronously, and only when it has no usable entry.
    let missed = false;
    const fetch = generate(request);
    const entry = lru.acquire(id, {
      isUsable: (cached) => hasRoom(cached, nowMs, maxMessages, maxBytes, request.plaintextBytes),
      fetch: () => ((missed = true), fetch()),
      now,
      maxAgeMs: policy.maxAgeMs,
    });
    onLookup?.(missed ? "miss" : "hit");
    return useKey(countMessage(entry, request.plaintextBytes), useSealing);
  }

  return {
    withDataKey,
    /** Number of cached entries (for tests and metrics). */
    get size() {
      return lru.size;
    },
    /** Zero-fills keys past their age now, without waiting for the next use. */
    sweep: () => lru.sweepExpired(clock.now(), true),
    /** Zero-fills and forgets every key (keys in use are wiped when their holders finish). */
    clear: () => lru.clear(),
  };
}

/** The policy's message limit, never above the hard cap. */
export function effectiveMaxMessages(policy: DataKeyCachePolicy): number {
  return Math.min(policy.maxMessages, MAX_MESSAGES_PER_DATA_KEY);
}

/** The policy's byte limit, never above the hard cap. */
export function effectiveMaxBytes(policy: DataKeyCachePolicy): number {
  return Math.min(policy.maxBytes, MAX_BYTES_PER_DATA_KEY);
}

/** maxAgeMs 0 or maxMessages 1 mean "a fresh key per message"; so does a message over maxBytes. */
function allowsReuse(
  policy: DataKeyCachePolicy,
  maxMessages: number,
  maxBytes: number,
  plaintextBytes: number,
): boolean {
  return policy.maxAgeMs > 0 && maxMessages > 1 && plaintextBytes <= maxBytes;
}

/** Reserves one message and its bytes against the entry's caps (before the key is used). */
function countMessage(entry: CachedKey, plaintextBytes: number): CachedKey {
  entry.messages += 1;
  entry.bytes += plaintextBytes;
  return entry;
}

function hasRoom(
  entry: CachedKey,
  nowMs: number,
  maxMessages: number,
  maxBytes: number,
  plaintextBytes: number,
) {
  return !isExpired(entry, nowMs) && entry.messages < maxMessages && entry.bytes + plaintextBytes <= maxBytes;
}

// KMS key, key name, version and what else the KMS context holds: in KMS mode the canonical
// context, so a key is never served to a request with another context; in derived mode nothing
// more (one key for every context, "d"). The two strings are netstrings ("<length>:<text>") and
// the version ends at ":" (KMS mode) or "d" (derived), so the parts cannot run into each other;
// the canonical context bytes are self-delimiting too.
function entryId({ key, contextBytes }: EncryptionKeyRequest): string {
  const { kmsKeyId, name, version } = key;
  const base = `${kmsKeyId.length}:${kmsKeyId}${name.length}:${name}${version}`;
  if (key.mode === "derived") return `${base}d`;
  const context = Buffer.from(contextBytes.buffer, contextBytes.byteOffset, contextBytes.byteLength);
  return `${base}:${context.toString("latin1")}`;
}
