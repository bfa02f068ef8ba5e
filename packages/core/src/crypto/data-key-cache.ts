// The encryption side's data-key cache: one KMS GenerateDataKey serves many encrypts, within the
// key's policy. Reuse is safe because every message derives its own AES key (derive.ts); the
// policy bounds how much one unwrapped key protects and how long it stays in memory.
import type { Clock } from "../clock";
import type { DataKeyCachePolicy } from "../config";
import type { Kms } from "../kms";
import { kmsContextFor, type EncryptionContext } from "./context";
import type { EnvelopeKey } from "./key-ring";
import {
  createKeyLru,
  isExpired,
  keyMaterial,
  useKey,
  useOnce,
  type CachedKey,
  type KeyMaterial,
} from "./key-lru";

/**
 * The randomness budget of one cached data key, kept whatever a catalog policy says. Every message
 * under one data key uses the same derived AES-GCM key (one salt per data key) with a random 96-bit
 * IV, so IV collisions are what wear the key out: after q messages their chance is about
 * q²/2^97, so 2^20 messages keep it near 2^-57 (NIST SP 800-38D's ceiling is 2^32, at 2^-33).
 */
export const MAX_MESSAGES_PER_DATA_KEY = 2 ** 20;

/**
 * Plaintext bytes per data key: 2^36 bytes (64 GiB, 2^32 blocks), far below the CFRG aead-limits
 * bound of about 2^36 *blocks* (1 TiB) for an attacker advantage of 2^-57.
 */
export const MAX_BYTES_PER_DATA_KEY = 2 ** 36;

export interface DataKeyCacheOptions {
  kms: Kms;
  clock: Clock;
  /** Distinct (key, version, context) entries kept; the least recently used goes first. */
  maxEntries?: number;
}

export interface EncryptionKeyRequest {
  key: EnvelopeKey;
  /** The caller's context, already validated, and its canonical encoding. */
  context: EncryptionContext;
  contextBytes: Uint8Array;
  plaintextBytes: number;
}

export type DataKeyCache = ReturnType<typeof createDataKeyCache>;

export function createDataKeyCache({ kms, clock, maxEntries = 1_000 }: DataKeyCacheOptions) {
  const lru = createKeyLru(maxEntries);
  const now = () => clock.now();

  const generate =
    ({ key, context }: EncryptionKeyRequest) =>
    async (): Promise<KeyMaterial> => {
      const kmsContext = kmsContextFor(key.name, key.version, context);
      const fresh = await kms.generateDataKey({ keyId: key.kmsKeyId, context: kmsContext, bits: 256 });
      return keyMaterial(fresh.plaintext, fresh.wrapped);
    };

  /**
   * Runs `use` (synchronously) with a data key for this request, reserving one message and the
   * plaintext's bytes against the key's policy. Concurrent misses for the same entry share one
   * GenerateDataKey as long as the policy has room for all of them; a failed generation is not
   * cached and every caller waiting on it gets the error.
   */
  async function withDataKey<T>(
    request: EncryptionKeyRequest,
    use: (material: KeyMaterial) => T,
  ): Promise<T> {
    const policy = request.key.cache;
    const maxMessages = effectiveMaxMessages(policy);
    const maxBytes = effectiveMaxBytes(policy);
    const nowMs = now();
    lru.sweepExpired(nowMs);

    if (!allowsReuse(policy, maxMessages, maxBytes, request.plaintextBytes))
      return useOnce(generate(request), use);

    const entry = lru.acquire(entryId(request), {
      isUsable: (cached) => hasRoom(cached, nowMs, maxMessages, maxBytes, request.plaintextBytes),
      fetch: generate(request),
      now,
      maxAgeMs: policy.maxAgeMs,
    });
    entry.messages += 1;
    entry.bytes += request.plaintextBytes;
    return useKey(entry, use);
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

function hasRoom(
  entry: CachedKey,
  nowMs: number,
  maxMessages: number,
  maxBytes: number,
  plaintextBytes: number,
) {
  return !isExpired(entry, nowMs) && entry.messages < maxMessages && entry.bytes + plaintextBytes <= maxBytes;
}

// KMS key, key name, version and canonical context: what the KMS context the key was wrapped
// under is made of, so a key is never served to a request with another context. The two strings
// are netstrings ("<length>:<text>") and the version ends at ":", so the parts cannot run into
// each other; the canonical context bytes are self-delimiting too.
function entryId({ key, contextBytes }: EncryptionKeyRequest): string {
  const { kmsKeyId, name, version } = key;
  const context = Buffer.from(contextBytes.buffer, contextBytes.byteOffset, contextBytes.byteLength);
  return `${kmsKeyId.length}:${kmsKeyId}${name.length}:${name}${version}:${context.toString("latin1")}`;
}
