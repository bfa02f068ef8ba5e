// The envelope's bytes, and nothing else: the layout, writing it, and parsing it. No keys, no
// crypto. docs/envelope.md describes the same layout for people; keep the two in step.
//
//   offset  size  field                                   (big-endian throughout)
//   0       4     magic "COFR"                            ┐
//   4       1     format version = 1                      │
//   5       1     algorithm id = 1 (KMS mode), 2 (derived)│
//   6       32    HKDF salt (one per cached data key)     │
//   38      12    GCM IV                                  │ the header: all of it is the GCM AAD
//   50      32    key commitment                          │
//   82      4     payload length P (uint32)               │
//   86      1     key name length N (1..255)              │
//   87      N     key name (UTF-8)                        │
//   87+N    2     context length C (uint16)               │
//   89+N    C     canonical encryption context            ┘
//   A       4     key version (uint32, >= 1)              ┐ the key slot: rewrap replaces it, so it
//   A+4     2     wrapped data key length W (1..6144)     │ is not in the AAD; KMS and the key
//   A+6     W     wrapped data key (KMS ciphertext blob)  ┘ commitment authenticate it instead
//   A+6+W   P     AES-256-GCM ciphertext
//   end-16  16    GCM tag
import { isUtf8 } from "node:buffer";
import type { EnvelopeMode } from "../config";
import { malformed, unknownAlgorithm, unknownVersion } from "./errors";

export const MAGIC = Buffer.from("COFR", "ascii");
export const FORMAT_VERSION = 1;
/**
 * Both algorithms are AES-256-GCM with the message key and commitment from one HKDF-SHA-256 call
 * (derive.ts); they differ in what the data key is bound to. 1: KMS mode, the context is in the
 * KMS context of each data key. 2: derived mode, one data key per key version, and the context is
 * in the HKDF info. The id is in the AAD and in the HKDF label, so it cannot be swapped.
 */
export const ALGORITHM_ID = { kms: 1, derived: 2 } as const satisfies Record<EnvelopeMode, number>;
export type AlgorithmId = (typeof ALGORITHM_ID)[EnvelopeMode];

export function modeOf(algorithmId: AlgorithmId): EnvelopeMode {
  return algorithmId === ALGORITHM_ID.derived ? "derived" : "kms";
}

const isKnownAlgorithm = (id: number | undefined): id is AlgorithmId =>
  id === ALGORITHM_ID.kms || id === ALGORITHM_ID.derived;

export const SALT_BYTES = 32;
export const IV_BYTES = 12;
export const COMMITMENT_BYTES = 32;
export const TAG_BYTES = 16;
export const MAX_KEY_NAME_BYTES = 255;
/** KMS ciphertext blobs are at most 6144 bytes. */
export const MAX_WRAPPED_KEY_BYTES = 6144;

const AT_VERSION = 4;
const AT_ALGORITHM = 5;
const AT_SALT = 6;
const AT_IV = AT_SALT + SALT_BYTES; // 38
const AT_COMMITMENT = AT_IV + IV_BYTES; // 50
const AT_PAYLOAD_LENGTH = AT_COMMITMENT + COMMITMENT_BYTES; // 82
const AT_KEY_NAME_LENGTH = AT_PAYLOAD_LENGTH + 4; // 86
const AT_KEY_NAME = AT_KEY_NAME_LENGTH + 1; // 87
/** Key version (4) and wrapped key length (2). */
export const KEY_SLOT_FIXED_BYTES = 6;

/** What a header says, with byte fields as views into the envelope (no copies). */
export interface HeaderFields {
  algorithmId: AlgorithmId;
  keyName: string;
  keyVersion: number;
  /** The canonical encoding of the context (context.ts). */
  contextBytes: Uint8Array;
  salt: Uint8Array;
  iv: Uint8Array;
  commitment: Uint8Array;
  wrappedKey: Uint8Array;
  payloadBytes: number;
}

export interface ParsedEnvelope extends HeaderFields {
  /** Everything before the key slot: the GCM additional authenticated data. */
  aad: Buffer;
  /**
   * Key name, context, key version and wrapped key with their length prefixes (one contiguous
   * range): everything that decides what KMS returns for this key slot, apart from the KMS key.
   */
  keyBinding: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/** The envelope's size for given field sizes; encrypt allocates exactly this once. */
export function envelopeSize(
  keyNameBytes: number,
  contextBytes: number,
  wrappedKeyBytes: number,
  payloadBytes: number,
) {
  return (
    AT_KEY_NAME +
    keyNameBytes +
    2 +
    contextBytes +
    KEY_SLOT_FIXED_BYTES +
    wrappedKeyBytes +
    payloadBytes +
    TAG_BYTES
  );
}

/**
 * Writes header and key slot into `out` (sized by envelopeSize) and returns where the AAD ends
 * and where the ciphertext starts. The caller encrypts into the rest.
 */
export function writeHeader(out: Buffer, fields: Omit<HeaderFields, "keyName"> & { keyName: Buffer }) {
  MAGIC.copy(out, 0);
  out[AT_VERSION] = FORMAT_VERSION;
  out[AT_ALGORITHM] = fields.algorithmId;
  out.set(fields.salt, AT_SALT);
  out.set(fields.iv, AT_IV);
  out.set(fields.commitment, AT_COMMITMENT);
  out.writeUInt32BE(fields.payloadBytes, AT_PAYLOAD_LENGTH);
  out[AT_KEY_NAME_LENGTH] = fields.keyName.length;
  let at = AT_KEY_NAME + fields.keyName.copy(out, AT_KEY_NAME);
  at = out.writeUInt16BE(fields.contextBytes.length, at);
  out.set(fields.contextBytes, at);
  const aadEnd = at + fields.contextBytes.length;
  const payloadStart = writeKeySlot(out, aadEnd, fields.keyVersion, fields.wrappedKey);
  return { aadEnd, payloadStart };
}

export function writeKeySlot(out: Buffer, at: number, keyVersion: number, wrappedKey: Uint8Array): number {
  out.writeUInt32BE(keyVersion, at);
  out.writeUInt16BE(wrappedKey.length, at + 4);
  out.set(wrappedKey, at + KEY_SLOT_FIXED_BYTES);
  return at + KEY_SLOT_FIXED_BYTES + wrappedKey.length;
}

/** The sizes encrypt must respect so that the envelope stays parseable. */
export function checkFieldSizes(keyName: Buffer, wrappedKey: Uint8Array, keyVersion: number): void {
  if (keyName.length < 1 || keyName.length > MAX_KEY_NAME_BYTES)
    throw new RangeError("key name must be 1..255 bytes");
  if (wrappedKey.length < 1 || wrappedKey.length > MAX_WRAPPED_KEY_BYTES)
    throw new RangeError("wrapped key size");
  if (!Number.isInteger(keyVersion) || keyVersion < 1 || keyVersion > 0xffffffff)
    throw new RangeError("key version");
}

/**
 * Parses an envelope without any key. Throws CofferError("invalid") with reason
 * envelope_malformed (naming the part), envelope_unknown_version or envelope_unknown_algorithm.
 * Version and algorithm are checked first, so a future format fails as "unknown version", not as
 * "malformed". The context is located but not decoded (decodeContext does that, strictly).
 */
export function parseEnvelope(envelope: Uint8Array): ParsedEnvelope {
  const bytes = Buffer.isBuffer(envelope)
    ? envelope
    : Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
  checkFixedHeader(bytes);
  const algorithmId = bytes[AT_ALGORITHM] as AlgorithmId;
  const salt = bytes.subarray(AT_SALT, AT_IV);
  const iv = bytes.subarray(AT_IV, AT_COMMITMENT);
  const commitment = bytes.subarray(AT_COMMITMENT, AT_PAYLOAD_LENGTH);
  const payloadBytes = bytes.readUInt32BE(AT_PAYLOAD_LENGTH);

  const keyNameLength = bytes[AT_KEY_NAME_LENGTH]!;
  if (keyNameLength === 0) throw malformed("header.keyName", "is empty");
  let at = AT_KEY_NAME + keyNameLength;
  needBytes(bytes, at, "header.keyName");
  const keyName = readKeyName(bytes.subarray(AT_KEY_NAME, at));

  needBytes(bytes, at + 2, "header.contextLength");
  const contextLength = bytes.readUInt16BE(at);
  at += 2;
  needBytes(bytes, at + contextLength, "header.context");
  // Decoded only when needed (decodeContext): decrypt compares these bytes with the caller's.
  const contextBytes = bytes.subarray(at, at + contextLength);
  const aadEnd = at + contextLength;

  needBytes(bytes, aadEnd + KEY_SLOT_FIXED_BYTES, "keySlot");
  const keyVersion = bytes.readUInt32BE(aadEnd);
  if (keyVersion === 0) throw malformed("keySlot.keyVersion", "is 0 (versions start at 1)");
  const wrappedLength = bytes.readUInt16BE(aadEnd + 4);
  if (wrappedLength === 0 || wrappedLength > MAX_WRAPPED_KEY_BYTES) {
    throw malformed("keySlot.wrappedKeyLength", `is outside 1..${MAX_WRAPPED_KEY_BYTES}`);
  }
  const payloadStart = aadEnd + KEY_SLOT_FIXED_BYTES + wrappedLength;
  needBytes(bytes, payloadStart, "keySlot.wrappedKey");
  const tagStart = payloadStart + payloadBytes;
  // The payload length is in the header, so a cut-off envelope is reported as truncated rather
  // than as a failed authentication, and trailing bytes are refused instead of ignored.
  needBytes(bytes, tagStart + TAG_BYTES, tagStart > bytes.length ? "payload" : "tag");
  if (bytes.length > tagStart + TAG_BYTES) throw malformed("envelope", "has bytes after the tag");

  return {
    algorithmId,
    keyName,
    keyVersion,
    contextBytes,
    salt,
    iv,
    commitment,
    payloadBytes,
    wrappedKey: bytes.subarray(aadEnd + KEY_SLOT_FIXED_BYTES, payloadStart),
    aad: bytes.subarray(0, aadEnd),
    keyBinding: bytes.subarray(AT_KEY_NAME_LENGTH, payloadStart),
    ciphertext: bytes.subarray(payloadStart, tagStart),
    tag: bytes.subarray(tagStart, tagStart + TAG_BYTES),
  };
}

// A plain function, not a closure in parseEnvelope: it runs on every decrypt.
function needBytes(bytes: Buffer, end: number, part: string): void {
  if (bytes.length < end) throw malformed(part, "is truncated");
}

const MAGIC_NUMBER = MAGIC.readUInt32BE(0);

/** Magic, version, algorithm and the fixed-size fields, naming the first part that is wrong. */
function checkFixedHeader(bytes: Buffer): void {
  const isExpected =
    bytes.length >= AT_KEY_NAME &&
    bytes.readUInt32BE(0) === MAGIC_NUMBER &&
    bytes[AT_VERSION] === FORMAT_VERSION &&
    isKnownAlgorithm(bytes[AT_ALGORITHM]);
  if (isExpected) return;
  const magic = bytes.subarray(0, MAGIC.length);
  if (!magic.equals(MAGIC.subarray(0, magic.length))) throw malformed("header.magic", 'is not "COFR"');
  const parts: Array<[end: number, part: string]> = [
    [MAGIC.length, "header.magic"],
    [AT_VERSION + 1, "header.version"],
  ];
  for (const [end, part] of parts) if (bytes.length < end) throw malformed(part, "is truncated");
  if (bytes[AT_VERSION] !== FORMAT_VERSION) throw unknownVersion(bytes[AT_VERSION]!);
  if (bytes.length <= AT_ALGORITHM) throw malformed("header.algorithm", "is truncated");
  if (!isKnownAlgorithm(bytes[AT_ALGORITHM])) throw unknownAlgorithm(bytes[AT_ALGORITHM]!);
  const fixedParts: Array<[end: number, part: string]> = [
    [AT_IV, "header.salt"],
    [AT_COMMITMENT, "header.iv"],
    [AT_PAYLOAD_LENGTH, "header.commitment"],
    [AT_KEY_NAME_LENGTH, "header.payloadLength"],
    [AT_KEY_NAME, "header.keyNameLength"],
  ];
  for (const [end, part] of fixedParts) if (bytes.length < end) throw malformed(part, "is truncated");
}

/** Key names are ASCII in practice; anything else must be valid UTF-8. */
function readKeyName(raw: Buffer): string {
  let isAscii = true;
  for (let i = 0; i < raw.length; i++) isAscii &&= raw[i]! < 0x80;
  if (isAscii) return raw.toString("latin1");
  if (!isUtf8(raw)) throw malformed("header.keyName", "is not valid UTF-8");
  return raw.toString("utf8");
}
