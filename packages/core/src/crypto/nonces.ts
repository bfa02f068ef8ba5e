// The public randomness of an envelope: a 32-byte HKDF salt per cached data key and a 12-byte GCM
// IV per message. Both go into the header in clear, so they need to be unpredictable and never
// repeat, not secret.
import { randomBytes } from "node:crypto";
import { IV_BYTES, SALT_BYTES } from "./format";

/**
 * A fresh salt, drawn once per data key the cache takes from KMS: two cached data keys never share
 * a salt (and even if two did, their data keys differ, so their message keys would too).
 */
export function newSalt(): Buffer {
  return randomBytes(SALT_BYTES);
}

// A CSPRNG call costs ~2-3 µs whatever its size up to a few KiB, a fifth of a small encrypt.
// One call serves 256 messages, as crypto.randomUUID batches its own entropy. Every byte is used
// once: a used-up pool is replaced, never refilled in place.
const POOL_BYTES = IV_BYTES * 256;

/** A source of fresh GCM IVs, one CSPRNG call per 256 messages. */
export function createIvSource(): () => Buffer {
  let pool = randomBytes(POOL_BYTES);
  let next = 0;
  return () => {
    if (next + IV_BYTES > pool.length) {
      pool = randomBytes(POOL_BYTES);
      next = 0;
    }
    const iv = pool.subarray(next, next + IV_BYTES);
    next += IV_BYTES;
    return iv;
  };
}
