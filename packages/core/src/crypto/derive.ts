// Message keys: the AES-256-GCM key and the key commitment, from one HKDF-SHA-256 call over the data
// key. The encrypting side draws one random salt per cached data key (data-key-cache.ts), so this
// runs once per data key (and, in derived mode, once per context), not once per message; every
// message still gets its own random IV. Why that is safe: docs/envelope.md, "One salt per data key".
import { hash, hkdfSync, type KeyObject } from "node:crypto";
import { ALGORITHM_ID, COMMITMENT_BYTES, type AlgorithmId } from "./format";

/**
 * The HKDF info labels. Each names the format version and the algorithm id, so two algorithms (or a
 * future format) never derive the same keys from one data key. Changing one changes the format.
 */
export const MESSAGE_KEYS_LABEL = Buffer.from("coffer/envelope/v1/alg1/aes-256-gcm-key+commitment", "ascii");
/**
 * Derived mode: the label, then the SHA-256 of the canonical context. The digest, not the context,
 * because HKDF info is limited to 1,024 bytes in Node and a context can reach 4,162; SHA-256 is
 * collision resistant, so two contexts still give two keys and two commitments.
 */
export const DERIVED_MESSAGE_KEYS_LABEL = Buffer.from(
  "coffer/envelope/v1/alg2/context-derived/aes-256-gcm-key+commitment/",
  "ascii",
);

const AES_KEY_BYTES = 32;

export interface MessageKeys {
  aesKey: Buffer;
  /** Public: it goes into the header. It commits the envelope to exactly one data key. */
  commitment: Buffer;
  /** Both of the above (they are views of it): zero-fill it when the keys are dropped. */
  bytes: Buffer;
}

/**
 * ONE HKDF-SHA-256 call gives 64 bytes: the AES-256 key, then the commitment. Splitting one
 * HKDF output is standard (TLS key blocks do it) and costs half of two calls (~8 µs each here).
 * Finding a second data key (or, in derived mode, a second context) with the same commitment
 * means finding an HMAC-SHA-256 (or SHA-256) collision.
 */
export function deriveMessageKeys(
  dataKey: Uint8Array | KeyObject,
  salt: Uint8Array,
  algorithmId: AlgorithmId,
  contextBytes: Uint8Array,
): MessageKeys {
  const info =
    algorithmId === ALGORITHM_ID.derived
      ? Buffer.concat([DERIVED_MESSAGE_KEYS_LABEL, hash("sha256", contextBytes, "buffer")])
      : MESSAGE_KEYS_LABEL;
  const okm = Buffer.from(hkdfSync("sha256", dataKey, salt, info, AES_KEY_BYTES + COMMITMENT_BYTES));
  return { aesKey: okm.subarray(0, AES_KEY_BYTES), commitment: okm.subarray(AES_KEY_BYTES), bytes: okm };
}
