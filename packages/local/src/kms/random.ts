// The emulator's one source of randomness: key ids, key material, IVs, data keys and fault
// probabilities. With a seed it is deterministic (SHA-256 in counter mode), so a test can pin key ids
// and blobs; that stream is predictable by design and only fit for tests. RSA key pairs always come
// from node:crypto, which takes no seed.
import { createHash, randomBytes } from "node:crypto";

export interface RandomSource {
  bytes(size: number): Buffer;
  /** A version 4 UUID. */
  uuid(): string;
  /** A number in [0, 1). */
  fraction(): number;
}

export function createRandomSource(seed?: string): RandomSource {
  const bytes = seed === undefined ? randomBytes : seededBytes(seed);
  return {
    bytes,
    uuid: () => formatUuid(bytes(16)),
    fraction: () => bytes(4).readUInt32BE() / 2 ** 32,
  };
}

function seededBytes(seed: string): (size: number) => Buffer {
  let counter = 0;
  let pool = Buffer.alloc(0);
  return (size) => {
    while (pool.length < size) {
      const block = createHash("sha256").update(seed).update(String(counter++)).digest();
      pool = Buffer.concat([pool, block]);
    }
    const out = pool.subarray(0, size);
    pool = pool.subarray(size);
    return Buffer.from(out);
  };
}

function formatUuid(bytes: Buffer): string {
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
