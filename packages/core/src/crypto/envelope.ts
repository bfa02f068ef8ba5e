// Sealing and opening one envelope with a data key already in hand. No KMS, no cache: this is the
// part the test vectors pin down byte for byte.
import { createCipheriv, createDecipheriv, timingSafeEqual, type KeyObject } from "node:crypto";
import { decodeContext, encodeContext, type EncryptionContext } from "./context";
import { deriveMessageKeys } from "./derive";
import type { Nonces } from "./nonces";
import { authenticationFailed, commitmentMismatch, contextMismatch } from "./errors";
import {
  checkFieldSizes,
  envelopeSize,
  parseEnvelope,
  TAG_BYTES,
  writeHeader,
  type ParsedEnvelope,
} from "./format";

export interface SealInput {
  /** The plaintext data key, as bytes or (cheaper for a cached key) a KeyObject. */
  dataKey: Uint8Array | KeyObject;
  wrappedKey: Uint8Array;
  keyName: string;
  keyVersion: number;
  /** The canonical encoding of an already validated context (context.ts). */
  contextBytes: Uint8Array;
  plaintext: Uint8Array;
}

const GCM = "aes-256-gcm";
// Node's Cipher cannot write into a buffer we give it: each update() returns a new one. Encrypt
// works in 256 KiB steps copied into the envelope, which keeps each step in the CPU cache and never
// makes a second buffer of the payload's size (at 1 MiB, ~12% faster than one update() and a copy,
// on the 2 MiB-L2 machine of docs/benchmarks.md). Decrypt needs no copy: one update()'s output IS
// the plaintext. Steps there only add allocations, and measured no faster (docs/benchmarks.md).
const STEP_BYTES = 256 * 1024;

/**
 * Seals one message. The salt and IV come from outside: fresh from a nonce source (nonces.ts) in
 * the service, fixed in the test vectors.
 */
export function sealEnvelope(input: SealInput, { salt, iv }: Nonces): Buffer {
  const keyName = Buffer.from(input.keyName);
  checkFieldSizes(keyName, input.wrappedKey, input.keyVersion);

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
    const cipher = createCipheriv(GCM, keys.aesKey, iv); // GCM tags are 16 bytes unless asked otherwise
    cipher.setAAD(out.subarray(0, aadEnd));
    const { plaintext } = input;
    for (let at = 0; at < plaintext.length; at += STEP_BYTES) {
      cipher.update(plaintext.subarray(at, at + STEP_BYTES)).copy(out, payloadStart + at);
    }
    cipher.final();
    cipher.getAuthTag().copy(out, payloadStart + input.plaintext.length);
    return out;
  } finally {
    keys.bytes.fill(0);
  }
}

/**
 * Opens a parsed envelope with its unwrapped data key. The commitment is compared (in constant
 * time) before any decryption: without it a ciphertext can be built that GCM accepts under two
 * different keys ("Invisible Salamanders"), and two readers would see two different plaintexts.
 */
export function openEnvelope(parsed: ParsedEnvelope, dataKey: Uint8Array | KeyObject): Buffer {
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
    keys.bytes.fill(0);
  }
}

/**
 * Refuses before any KMS call when the caller's context differs from the one in the header.
 * Equal bytes need no decoding: they are the canonical encoding of the caller's (valid) context.
 * Only on a difference is the header's context decoded, to tell a malformed header (thrown by
 * decodeContext) from a mere mismatch.
 */
export function assertContextMatches(parsed: ParsedEnvelope, contextBytes: Buffer): void {
  if (contextBytes.equals(parsed.contextBytes)) return;
  decodeContext(parsed.contextBytes);
  throw contextMismatch();
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
