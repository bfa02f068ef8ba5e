// The symmetric ciphertext blob (spec §4). The header names the key and the backing-key version, so
// Decrypt needs no KeyId and never tries keys one by one. The header and the canonical encryption
// context together are the GCM AAD: editing any header byte, or changing the context, fails auth.
import { createCipheriv, createDecipheriv } from "node:crypto";
import type { EncryptionContext } from "./input";

// A future format bumps the magic (CKE2) and this parser keeps accepting CKE1.
const MAGIC = Buffer.from("CKE1", "ascii");
const KEY_ID_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const HEADER_BYTES = MAGIC.length + KEY_ID_BYTES + 4 + IV_BYTES; // 36
export const BLOB_OVERHEAD_BYTES = HEADER_BYTES + TAG_BYTES; // 52
export const IV_LENGTH = IV_BYTES;

export interface BlobHeader {
  /** The KMS key id, as a lowercase UUID string. */
  keyId: string;
  /** Backing-key version, 1-based. */
  version: number;
}

export interface SealInput extends BlobHeader {
  aesKey: Buffer;
  iv: Buffer;
  plaintext: Buffer;
  context: EncryptionContext;
}

export function sealBlob({ keyId, version, aesKey, iv, plaintext, context }: SealInput): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  uuidToBytes(keyId).copy(header, MAGIC.length);
  header.writeUInt32BE(version, MAGIC.length + KEY_ID_BYTES);
  iv.copy(header, MAGIC.length + KEY_ID_BYTES + 4);
  const cipher = createCipheriv("aes-256-gcm", aesKey, iv);
  cipher.setAAD(Buffer.concat([header, encodeContext(context)]));
  return Buffer.concat([header, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** The header of one of our blobs, or undefined when the bytes cannot be one (foreign, truncated). */
export function readBlobHeader(blob: Buffer): BlobHeader | undefined {
  if (blob.length < BLOB_OVERHEAD_BYTES || !blob.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const version = blob.readUInt32BE(MAGIC.length + KEY_ID_BYTES);
  if (version === 0) return undefined;
  return { keyId: bytesToUuid(blob.subarray(MAGIC.length, MAGIC.length + KEY_ID_BYTES)), version };
}

/** The plaintext, or undefined when GCM authentication fails (tampering, wrong context). */
export function openBlob(blob: Buffer, aesKey: Buffer, context: EncryptionContext): Buffer | undefined {
  const header = blob.subarray(0, HEADER_BYTES);
  const iv = header.subarray(HEADER_BYTES - IV_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", aesKey, iv);
  decipher.setAAD(Buffer.concat([header, encodeContext(context)]));
  decipher.setAuthTag(blob.subarray(blob.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(blob.subarray(HEADER_BYTES, blob.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    return undefined;
  }
}

/**
 * uint32 count, then per entry (sorted by UTF-8 bytes of the key) uint32 length + key, uint32 length +
 * value. The length prefixes keep {"ab":"c"} and {"a":"bc"} apart, which separator-less encodings
 * used by other emulators do not.
 */
export function encodeContext(context: EncryptionContext): Buffer {
  const entries = Object.entries(context)
    .map(([key, value]) => [Buffer.from(key, "utf8"), Buffer.from(value, "utf8")] as const)
    .sort(([a], [b]) => Buffer.compare(a, b));
  const parts: Buffer[] = [uint32(entries.length)];
  for (const [key, value] of entries) parts.push(uint32(key.length), key, uint32(value.length), value);
  return Buffer.concat(parts);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

function uuidToBytes(uuid: string): Buffer {
  const bytes = Buffer.from(uuid.replace(/-/g, ""), "hex");
  if (bytes.length !== KEY_ID_BYTES) throw new Error("A key id must be a UUID");
  return bytes;
}

function bytesToUuid(bytes: Buffer): string {
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
