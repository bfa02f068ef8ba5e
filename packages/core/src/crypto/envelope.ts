// Sealing and opening one envelope with its message keys (or a data key) already in hand. No KMS,
// no cache: this is the part the test vectors pin down byte for byte.
import { createCipheriv, createDecipheriv, timingSafeEqual, type KeyObject } from "node:crypto";
import { decodeContext, encodeContext, type EncryptionContext } from "./context";
import { deriveMessageKeys, type MessageKeys } from "./derive";
import { authenticationFailed, commitmentMismatch, contextMismatch } from "./errors";
import {
  checkFieldSizes,
  envelopeSize,
  parseEnvelope,
  TAG_BYTES,
  writeHeader,
  type AlgorithmId,
  type ParsedEnvelope,
} from "./format";

export interface SealInput {
  algorithmId: AlgorithmId;
  /** The data key's salt: one per cached data key (nonces.ts), fixed in the test vectors. */
  salt: Uint8Array;
  /** Derived from the data key with `salt` (and, in derived mode, the context): derive.ts. */
  keys: MessageKeys;
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
 * Seals one message with message keys already derived. The IV comes from outside: fresh from an
 * IV source (nonces.ts) in the service, fixed in the test vectors. It must never repeat under one
 * message key; random 96-bit IVs make that a matter of counting messages (data-key-cache.ts).
 */
export function sealEnvelope(input: SealInput, iv: Uint8Array): Buffer {
  const keyName = Buffer.from(input.keyName);
  checkFieldSizes(keyName, input.wrappedKey, input.keyVersion);
  const { keys, plaintext } = input;
  const size = envelopeSize(
    keyName.length,
    input.contextBytes.length,
    input.wrappedKey.length,
    plaintext.length,
  );
  const out = Buffer.allocUnsafe(size);
  const { aadEnd, payloadStart } = writeHeader(out, {
    algorithmId: input.algorithmId,
    keyName,
    keyVersion: input.keyVersion,
    contextBytes: input.contextBytes,
    salt: input.salt,
    iv,
    commitment: keys.commitment,
    wrappedKey: input.wrappedKey,
    payloadBytes: plaintext.length,
  });
  const cipher = createCipheriv(GCM, keys.aesKey, iv); // GCM tags are 16 bytes unless asked otherwise
  cipher.setAAD(out.subarray(0, aadEnd));
  for (let at = 0; at < plaintext.length; at += STEP_BYTES) {
    cipher.update(plaintext.subarray(at, at + STEP_BYTES)).copy(out, payloadStart + at);
  }
  cipher.final();
  cipher.getAuthTag().copy(out, payloadStart + plaintext.length);
  return out;
}

/** Derive, seal, forget: one message under a raw data key (the test vectors, tools). */
export function sealWithDataKey(
  input: Omit<SealInput, "keys"> & { dataKey: Uint8Array | KeyObject },
  iv: Uint8Array,
): Buffer {
  const keys = deriveMessageKeys(input.dataKey, input.salt, input.algorithmId, input.contextBytes);
  try {
    return sealEnvelope({ ...input, keys }, iv);
  } finally {
    keys.bytes.fill(0);
  }
}

/**
 * Opens a parsed envelope with its unwrapped data key. The commitment is compared (in constant
 * time) before any decryption: without it a ciphertext can be built that GCM accepts under two
 * different keys ("Invisible Salamanders"), and two readers would see two different plaintexts.
 */
export function openEnvelope(parsed: ParsedEnvelope, keys: MessageKeys): Buffer {
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

/**
 * Parse, check the context, derive, open: the whole decrypt path minus KMS and the caches. The
 * test vectors use it. In derived mode the header's context bytes go into the derivation; they
 * equal the caller's here, so an edited context yields other keys and fails the commitment.
 */
export function openWithDataKey(
  envelope: Uint8Array,
  dataKey: Uint8Array,
  context: EncryptionContext,
): Buffer {
  const parsed = parseEnvelope(envelope);
  assertContextMatches(parsed, encodeContext(context));
  const keys = deriveMessageKeys(dataKey, parsed.salt, parsed.algorithmId, parsed.contextBytes);
  try {
    return openEnvelope(parsed, keys);
  } finally {
    keys.bytes.fill(0);
  }
}
