// Sealing and opening one envelope with a data key already in hand. No KMS, no cache: this is the
// part the test vectors pin down byte for byte.
import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from "node:crypto";
import { encodeContext, type EncryptionContext } from "./context";
import { deriveMessageKeys } from "./derive";
import { authenticationFailed, commitmentMismatch, contextMismatch } from "./errors";
import {
  checkFieldSizes,
  envelopeSize,
  IV_BYTES,
  parseEnvelope,
  SALT_BYTES,
  TAG_BYTES,
  writeHeader,
  type ParsedEnvelope,
} from "./format";

export interface SealInput {
  dataKey: Uint8Array;
  wrappedKey: Uint8Array;
  keyName: string;
  keyVersion: number;
  /** The canonical encoding of an already validated context (context.ts). */
  contextBytes: Uint8Array;
  plaintext: Uint8Array;
}

/** Only the test vectors pass these; everything else gets fresh random ones. */
export interface FixedNonces {
  salt: Uint8Array;
  iv: Uint8Array;
}

const GCM = "aes-256-gcm";

export function sealEnvelope(input: SealInput, fixed?: FixedNonces): Buffer {
  const keyName = Buffer.from(input.keyName);
  checkFieldSizes(keyName, input.wrappedKey, input.keyVersion);
  // One call for both: randomBytes costs about as much for 44 bytes as for 12.
  const random = fixed ? undefined : randomBytes(SALT_BYTES + IV_BYTES);
  const salt = fixed?.salt ?? random!.subarray(0, SALT_BYTES);
  const iv = fixed?.iv ?? random!.subarray(SALT_BYTES);

  const keys = deriveMessageKeys(input.dataKey, salt);
  try {
    const size = envelopeSize(
      keyName.length,
      input.contextBytes.length,
      input.wrappedKey.length,
      input.plaintext.length,
    );
    const out = Buffer.allocUnsafe(size);
    const { aadEnd, payloadStart } = writeHeader(out, {
      keyName,
      keyVersion: input.keyVersion,
      contextBytes: input.contextBytes,
      salt,
      iv,
      commitment: keys.commitment,
      wrappedKey: input.wrappedKey,
      payloadBytes: input.plaintext.length,
    });
    const cipher = createCipheriv(GCM, keys.aesKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(out.subarray(0, aadEnd));
    // Node's Cipher cannot write into our buffer, so the ciphertext is copied once into place.
    const ciphertext = cipher.update(input.plaintext);
    ciphertext.copy(out, payloadStart);
    cipher.final();
    cipher.getAuthTag().copy(out, payloadStart + input.plaintext.length);
    return out;
  } finally {
    keys.wipe();
  }
}

/**
 * Opens a parsed envelope with its unwrapped data key. The commitment is compared (in constant
 * time) before any decryption: without it a ciphertext can be built that GCM accepts under two
 * different keys ("Invisible Salamanders"), and two readers would see two different plaintexts.
 */
export function openEnvelope(parsed: ParsedEnvelope, dataKey: Uint8Array): Buffer {
  const keys = deriveMessageKeys(dataKey, parsed.salt);
  try {
    if (!timingSafeEqual(keys.commitment, parsed.commitment)) throw commitmentMismatch();
    const decipher = createDecipheriv(GCM, keys.aesKey, parsed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(parsed.aad);
    decipher.setAuthTag(parsed.tag);
    const plaintext = decipher.update(parsed.ciphertext);
    try {
      decipher.final();
    } catch {
      plaintext.fill(0); // unauthenticated plaintext must not linger
      throw authenticationFailed();
    }
    return plaintext;
  } finally {
    keys.wipe();
  }
}

/** Refuses before any KMS call when the caller's context differs from the one in the header. */
export function assertContextMatches(parsed: ParsedEnvelope, contextBytes: Uint8Array): void {
  if (
    !Buffer.from(contextBytes.buffer, contextBytes.byteOffset, contextBytes.byteLength).equals(
      parsed.contextBytes,
    )
  ) {
    throw contextMismatch();
  }
}

/** Parse, check the context, open: the whole decrypt path minus KMS. The test vectors use it. */
export function openWithDataKey(
  envelope: Uint8Array,
  dataKey: Uint8Array,
  context: EncryptionContext,
): Buffer {
  const parsed = parseEnvelope(envelope);
  assertContextMatches(parsed, encodeContext(context));
  return openEnvelope(parsed, dataKey);
}
