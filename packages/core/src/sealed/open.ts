import { createDecipheriv, createHash, timingSafeEqual } from "node:crypto";
import { parseSealed, type SealedPayload } from "@coffer/sealing/sealed";
import { SealedReason, sealedRefusal } from "./refusals";

// Opening a sealed payload (docs/sealed.md), cheapest check first. Parsing is the sealing package's
// (one format parse for the browser and the server); the cryptography here is node:crypto, several
// times faster than WebCrypto on the server. The ports that cost something come in as functions:
// `beforeUnwrap` (the service's nonce read) and `unwrap` (KMS Decrypt on the RSA key), so the
// vectors replay the same code with a private key in place of KMS.

/** How far a payload's timestamp may be from the server's clock, either way. */
export const SEALED_WINDOW_MS = 5 * 60_000;

export interface OpenSteps {
  /** SHA-256 of the seal key's SPKI: the payload must name this key. */
  fingerprint: Uint8Array;
  nowMs: number;
  /** Runs after the free checks and before the RSA unwrap: the service claims the nonce here. */
  beforeUnwrap?: (payload: SealedPayload) => Promise<void>;
  /** The RSA-OAEP-SHA-256 unwrap; throws sealed_key_invalid for a ciphertext it cannot open. */
  unwrap: (wrappedKey: Uint8Array) => Promise<Buffer>;
}

export async function openSealedBytes(
  bytes: Uint8Array,
  steps: OpenSteps,
): Promise<{ payload: SealedPayload; plaintext: Buffer }> {
  let payload: SealedPayload;
  try {
    payload = parseSealed(bytes);
  } catch (error) {
    throw sealedRefusal(SealedReason.malformed, error);
  }
  if (!timingSafeEqual(steps.fingerprint, payload.fingerprint)) throw sealedRefusal(SealedReason.keyUnknown);
  const ageMs = steps.nowMs - payload.timestampMs;
  if (ageMs > SEALED_WINDOW_MS) throw sealedRefusal(SealedReason.expired);
  if (ageMs < -SEALED_WINDOW_MS) throw sealedRefusal(SealedReason.fromFuture);
  await steps.beforeUnwrap?.(payload);
  const aesKey = await steps.unwrap(payload.wrappedKey);
  try {
    if (aesKey.length !== 32) throw sealedRefusal(SealedReason.keyInvalid);
    return { payload, plaintext: decryptSealed(payload, aesKey) };
  } finally {
    aesKey.fill(0);
  }
}

/** AES-256-GCM with the header as AAD, then the digest of what came out, in constant time. */
function decryptSealed(payload: SealedPayload, aesKey: Uint8Array): Buffer {
  const tagAt = payload.ciphertext.length - 16;
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-gcm", aesKey, payload.iv);
    decipher.setAAD(payload.aad);
    decipher.setAuthTag(payload.ciphertext.subarray(tagAt));
    plaintext = Buffer.concat([decipher.update(payload.ciphertext.subarray(0, tagAt)), decipher.final()]);
  } catch (error) {
    throw sealedRefusal(SealedReason.tampered, error);
  }
  const digest = createHash("sha256").update(plaintext).digest();
  if (!timingSafeEqual(digest, payload.digest)) throw sealedRefusal(SealedReason.digestMismatch);
  return plaintext;
}

export const fingerprintOf = (spki: Uint8Array): Buffer => createHash("sha256").update(spki).digest();
