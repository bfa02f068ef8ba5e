import { SealingError } from "../errors";

// The sealed-input format, version 1 (docs/sealed.md). Parsing only: no cryptography here, so the
// server (node:crypto) and the browser (WebCrypto) read the bytes through the same code.
//
//   offset  size  field
//   0       1     version, 0x01
//   1       32    fingerprint: SHA-256 of the seal key's SubjectPublicKeyInfo (DER)
//   33      8     timestamp: epoch milliseconds, unsigned big-endian
//   41      16    nonce: random, never reused
//   57      32    digest: SHA-256 of the plaintext
//   89      2     wrapped-key length L, unsigned big-endian
//   91      L     the AES-256 key, wrapped with RSA-OAEP (SHA-256, MGF1-SHA-256, empty label)
//   91+L    12    AES-GCM IV
//   103+L   n+16  AES-256-GCM ciphertext of the plaintext, then the 16-byte tag
//
// The AAD is bytes 0..88: version, fingerprint, timestamp, nonce and digest.

export const SEALED_VERSION = 1;
export const FINGERPRINT_BYTES = 32;
export const NONCE_BYTES = 16;
export const DIGEST_BYTES = 32;
export const SEALED_IV_BYTES = 12;
export const SEALED_TAG_BYTES = 16;
export const SEALED_KEY_BYTES = 32;
/** Version, fingerprint, timestamp, nonce, digest: the part the AAD covers. */
export const AAD_BYTES = 1 + FINGERPRINT_BYTES + 8 + NONCE_BYTES + DIGEST_BYTES;
const HEADER_BYTES = AAD_BYTES + 2;
/** RSA moduli from 2048 to 4096 bits give wrapped keys of 256 to 512 bytes. */
const MIN_WRAPPED_BYTES = 256;
const MAX_WRAPPED_BYTES = 512;

export interface SealedPayload {
  version: number;
  fingerprint: Uint8Array;
  timestampMs: number;
  nonce: Uint8Array;
  digest: Uint8Array;
  wrappedKey: Uint8Array;
  iv: Uint8Array;
  /** Ciphertext followed by the GCM tag. */
  ciphertext: Uint8Array;
  /** Bytes 0..88 of the payload, exactly as received. */
  aad: Uint8Array;
}

const malformed = (why: string) =>
  new SealingError("sealed_malformed", `The sealed payload is malformed: ${why}. Seal it again.`);

export function parseSealed(bytes: Uint8Array): SealedPayload {
  if (bytes.length < HEADER_BYTES) throw malformed("it is too short");
  if (bytes[0] !== SEALED_VERSION) throw malformed("its version is not 1");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const timestamp = view.getBigUint64(1 + FINGERPRINT_BYTES);
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed("its timestamp is out of range");
  const wrappedBytes = view.getUint16(AAD_BYTES);
  if (wrappedBytes < MIN_WRAPPED_BYTES || wrappedBytes > MAX_WRAPPED_BYTES)
    throw malformed("its wrapped key has an impossible length");
  const ivAt = HEADER_BYTES + wrappedBytes;
  const ciphertextAt = ivAt + SEALED_IV_BYTES;
  if (bytes.length < ciphertextAt + SEALED_TAG_BYTES) throw malformed("it is truncated");
  let at = 1;
  const take = (length: number) => bytes.subarray(at, (at += length));
  const fingerprint = take(FINGERPRINT_BYTES);
  at += 8;
  return {
    version: SEALED_VERSION,
    fingerprint,
    timestampMs: Number(timestamp),
    nonce: take(NONCE_BYTES),
    digest: take(DIGEST_BYTES),
    wrappedKey: bytes.subarray(HEADER_BYTES, ivAt),
    iv: bytes.subarray(ivAt, ciphertextAt),
    ciphertext: bytes.subarray(ciphertextAt),
    aad: bytes.subarray(0, AAD_BYTES),
  };
}

/** Writes the header (everything before the wrapped key's bytes), the inverse of parseSealed's first part. */
export function encodeSealedHeader(fields: {
  fingerprint: Uint8Array;
  timestampMs: number;
  nonce: Uint8Array;
  digest: Uint8Array;
  wrappedKeyBytes: number;
}): Uint8Array<ArrayBuffer> {
  if (fields.fingerprint.length !== FINGERPRINT_BYTES) throw new RangeError("fingerprint: 32 bytes");
  if (fields.nonce.length !== NONCE_BYTES) throw new RangeError("nonce: 16 bytes");
  if (fields.digest.length !== DIGEST_BYTES) throw new RangeError("digest: 32 bytes");
  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  header[0] = SEALED_VERSION;
  header.set(fields.fingerprint, 1);
  view.setBigUint64(1 + FINGERPRINT_BYTES, BigInt(fields.timestampMs));
  header.set(fields.nonce, 1 + FINGERPRINT_BYTES + 8);
  header.set(fields.digest, 1 + FINGERPRINT_BYTES + 8 + NONCE_BYTES);
  view.setUint16(AAD_BYTES, fields.wrappedKeyBytes);
  return header;
}
