// The key slot: the key version and the wrapped data key, the one part of the envelope outside the
// GCM AAD, because rewrap replaces it without the data key (docs/envelope.md, "The key slot").
import {
  KEY_SLOT_FIXED_BYTES,
  MAX_WRAPPED_KEY_BYTES,
  TAG_BYTES,
  writeKeySlot,
  type ParsedEnvelope,
} from "./format";

/**
 * The same envelope with another key slot: header, ciphertext and tag are copied unchanged, so
 * the GCM tag still holds. Rewrap uses this.
 */
export function replaceKeySlot(parsed: ParsedEnvelope, keyVersion: number, wrappedKey: Uint8Array): Buffer {
  if (wrappedKey.length < 1 || wrappedKey.length > MAX_WRAPPED_KEY_BYTES)
    throw new RangeError("wrapped key size");
  const aadEnd = parsed.aad.length;
  const out = Buffer.allocUnsafe(
    aadEnd + KEY_SLOT_FIXED_BYTES + wrappedKey.length + parsed.payloadBytes + TAG_BYTES,
  );
  parsed.aad.copy(out, 0);
  const payloadStart = writeKeySlot(out, aadEnd, keyVersion, wrappedKey);
  parsed.ciphertext.copy(out, payloadStart);
  parsed.tag.copy(out, payloadStart + parsed.payloadBytes);
  return out;
}

/** The same bytes as ParsedEnvelope.keyBinding, for a key slot that is not in an envelope. */
export function keyBinding(
  keyName: string,
  contextBytes: Uint8Array,
  keyVersion: number,
  wrappedKey: Uint8Array,
): Buffer {
  const name = Buffer.from(keyName);
  const out = Buffer.allocUnsafe(
    1 + name.length + 2 + contextBytes.length + KEY_SLOT_FIXED_BYTES + wrappedKey.length,
  );
  out[0] = name.length;
  name.copy(out, 1);
  const at = out.writeUInt16BE(contextBytes.length, 1 + name.length);
  out.set(contextBytes, at);
  writeKeySlot(out, at + contextBytes.length, keyVersion, wrappedKey);
  return out;
}
