// The baseline the crypto core is held to: AES-256-GCM as a careful programmer would write it by
// hand with node:crypto and a key already in memory. Random 96-bit IV per message, one output
// buffer holding iv ‖ ciphertext ‖ tag, decrypt returning the plaintext that update() gives.
// No KMS, no HKDF, no header, no commitment: everything Coffer adds is what the ratio measures.
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from "node:crypto";

const IV_BYTES = 12;
const TAG_BYTES = 16;
const STEP_BYTES = 256 * 1024;

export function createRawGcm(key: Uint8Array = randomBytes(32)) {
  const cachedKey: KeyObject = createSecretKey(key);
  return {
    encrypt(plaintext: Uint8Array): Buffer {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", cachedKey, iv, { authTagLength: TAG_BYTES });
      const out = Buffer.allocUnsafe(IV_BYTES + plaintext.length + TAG_BYTES);
      iv.copy(out, 0);
      cipher.update(plaintext).copy(out, IV_BYTES);
      cipher.final();
      cipher.getAuthTag().copy(out, IV_BYTES + plaintext.length);
      return out;
    },
    /**
     * The same, but in 256 KiB update() steps copied into the one output buffer, as Coffer's
     * encrypt does. Reported beside the plain baseline so that Coffer's buffer handling is not
     * mistaken for "no overhead" (docs/benchmarks.md). Coffer decrypts with one update(), as
     * decrypt() below does, so decrypt has no such second baseline.
     */
    encryptChunked(plaintext: Uint8Array): Buffer {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", cachedKey, iv, { authTagLength: TAG_BYTES });
      const out = Buffer.allocUnsafe(IV_BYTES + plaintext.length + TAG_BYTES);
      iv.copy(out, 0);
      for (let at = 0; at < plaintext.length; at += STEP_BYTES) {
        cipher.update(plaintext.subarray(at, at + STEP_BYTES)).copy(out, IV_BYTES + at);
      }
      cipher.final();
      cipher.getAuthTag().copy(out, IV_BYTES + plaintext.length);
      return out;
    },
    decrypt(message: Buffer): Buffer {
      const tagStart = message.length - TAG_BYTES;
      const decipher = createDecipheriv("aes-256-gcm", cachedKey, message.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAuthTag(message.subarray(tagStart));
      const plaintext = decipher.update(message.subarray(IV_BYTES, tagStart));
      decipher.final();
      return plaintext;
    },
  };
}
