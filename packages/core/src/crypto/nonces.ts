// The public per-message randomness: a 32-byte HKDF salt and a 12-byte GCM IV. Both go into the
// header in clear, so they need to be unpredictable and never repeat, not secret.
import { randomBytes } from "node:crypto";

export interface Nonces {
  salt: Uint8Array;
  iv: Uint8Array;
}

const SALT_BYTES = 32;
const IV_BYTES = 12;
const PER_MESSAGE = SALT_BYTES + IV_BYTES;
// A CSPRNG call costs ~2-3 µs whatever its size up to a few KiB, a seventh of a small encrypt.
// One call serves 93 messages, as crypto.randomUUID batches its own entropy. Every byte is used
// once: a used-up pool is replaced, never refilled in place.
const POOL_BYTES = PER_MESSAGE * 93;

/** A source of fresh nonces, one CSPRNG call per 93 messages. */
export function createNonceSource(): () => Nonces {
  let pool = randomBytes(POOL_BYTES);
  let next = 0;
  return () => {
    if (next + PER_MESSAGE > pool.length) {
      pool = randomBytes(POOL_BYTES);
      next = 0;
    }
    const salt = pool.subarray(next, next + SALT_BYTES);
    const iv = pool.subarray(next + SALT_BYTES, next + PER_MESSAGE);
    next += PER_MESSAGE;
    return { salt, iv };
  };
}
