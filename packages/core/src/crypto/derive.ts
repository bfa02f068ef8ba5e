// Per-message keys. One data key serves many messages (the cache reuses it); a fresh random salt
// per message makes each AES-GCM key single-use, so GCM's nonce limits apply per message, not
// per data key.
import { hkdfSync, type KeyObject } from "node:crypto";
import { COMMITMENT_BYTES } from "./format";

/**
 * The HKDF info label. It names the format version and algorithm id, so a future format cannot
 * derive the same keys by accident. Changing it changes the format: bump the version with it.
 */
export const MESSAGE_KEYS_LABEL = Buffer.from("coffer/envelope/v1/alg1/aes-256-gcm-key+commitment", "ascii");

const AES_KEY_BYTES = 32;

export interface MessageKeys {
  aesKey: Buffer;
  /** Public: it goes into the header. It commits the envelope to exactly one data key. */
  commitment: Buffer;
  /** Both of the above (they are views of it): zero-fill it once the message is sealed or opened. */
  bytes: Buffer;
}

/**
 * ONE HKDF-SHA-256 call gives 64 bytes: the AES-256 key, then the commitment. Splitting one
 * HKDF output is standard (TLS key blocks do it) and costs half of two calls (~8 µs each here).
 * Finding a second data key with the same commitment means finding an HMAC-SHA-256 collision.
 */
export function deriveMessageKeys(dataKey: Uint8Array | KeyObject, salt: Uint8Array): MessageKeys {
  const okm = Buffer.from(
    hkdfSync("sha256", dataKey, salt, MESSAGE_KEYS_LABEL, AES_KEY_BYTES + COMMITMENT_BYTES),
  );
  return { aesKey: okm.subarray(0, AES_KEY_BYTES), commitment: okm.subarray(AES_KEY_BYTES), bytes: okm };
}
