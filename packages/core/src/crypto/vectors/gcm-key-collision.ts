// Test tooling, never imported by the service: builds one AES-GCM ciphertext and tag that
// authenticate under TWO keys ("Invisible Salamanders", Dodis et al., CRYPTO 2018). GCM's tag is
// a polynomial in the ciphertext blocks over GF(2^128); leaving one block free turns "tag under
// key 1 = tag under key 2" into one linear equation. The envelope's key commitment exists to
// refuse exactly this, and the regression vector made from it proves that it does.
import { createCipheriv, createDecipheriv } from "node:crypto";

const BLOCK = 16;
const R = 0xe1n << 120n; // GCM's reduction polynomial, in its bit-reflected convention
const ONE = 1n << 127n; // the field's 1: GCM puts the x^0 coefficient in the leftmost bit

/** Multiplication in GF(2^128) as NIST SP 800-38D, Algorithm 1, defines it. */
function multiply(x: bigint, y: bigint): bigint {
  let z = 0n;
  let v = y;
  for (let bit = 127n; bit >= 0n; bit--) {
    if ((x >> bit) & 1n) z ^= v;
    v = v & 1n ? (v >> 1n) ^ R : v >> 1n;
  }
  return z;
}

function power(x: bigint, exponent: bigint): bigint {
  let result = ONE;
  let base = x;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = multiply(result, base);
    base = multiply(base, base);
  }
  return result;
}

/** Fermat: x^(2^128 - 2) is x's inverse in GF(2^128). */
const inverse = (x: bigint): bigint => power(x, (1n << 128n) - 2n);

const toBigInt = (block: Uint8Array): bigint => BigInt(`0x${Buffer.from(block).toString("hex") || "0"}`);
const toBlock = (value: bigint): Buffer => Buffer.from(value.toString(16).padStart(32, "0"), "hex");

/** E_K(block), one AES block, computed as the first keystream block of CTR mode (no ECB needed). */
function encryptBlock(key: Uint8Array, block: Uint8Array): bigint {
  return toBigInt(createCipheriv("aes-256-ctr", key, block).update(Buffer.alloc(BLOCK)));
}

/** GHASH's input blocks: AAD and ciphertext, each zero-padded, then their bit lengths. */
function ghashBlocks(aad: Uint8Array, ciphertext: Uint8Array): bigint[] {
  const blocks: bigint[] = [];
  for (const data of [aad, ciphertext]) {
    for (let at = 0; at < data.length; at += BLOCK) {
      const block = Buffer.alloc(BLOCK);
      block.set(data.subarray(at, at + BLOCK));
      blocks.push(toBigInt(block));
    }
  }
  blocks.push((BigInt(aad.length * 8) << 64n) | BigInt(ciphertext.length * 8));
  return blocks;
}

function ghash(h: bigint, blocks: bigint[]): bigint {
  return blocks.reduce((y, block) => multiply(y ^ block, h), 0n);
}

/**
 * A `blockCount`-block ciphertext (all zero but one block) and a tag that GCM accepts under both
 * keys with this IV and AAD. Checks itself with node:crypto before returning.
 */
export function collidingCiphertext(input: {
  key1: Uint8Array;
  key2: Uint8Array;
  iv: Uint8Array;
  aad: Uint8Array;
  blockCount: number;
}) {
  const { key1, key2, iv, aad, blockCount } = input;
  const freeBlock = 1;
  const ciphertext = Buffer.alloc(blockCount * BLOCK);
  const j0 = Buffer.concat([iv, Buffer.from([0, 0, 0, 1])]);
  const [h1, h2] = [encryptBlock(key1, Buffer.alloc(BLOCK)), encryptBlock(key2, Buffer.alloc(BLOCK))];
  const [s1, s2] = [encryptBlock(key1, j0), encryptBlock(key2, j0)];

  // GHASH = sum of block_k * H^(m-k+1); the free block's exponent counts the blocks from it to the end.
  const blocks = ghashBlocks(aad, ciphertext);
  const exponent = BigInt(blocks.length - (Math.ceil(aad.length / BLOCK) + freeBlock));
  const [g1, g2] = [ghash(h1, blocks), ghash(h2, blocks)];
  // tag1 = g1 + x·h1^e + s1 and tag2 = g2 + x·h2^e + s2; equal when x = (g1+g2+s1+s2) / (h1^e + h2^e).
  const x = multiply(g1 ^ g2 ^ s1 ^ s2, inverse(power(h1, exponent) ^ power(h2, exponent)));
  toBlock(x).copy(ciphertext, freeBlock * BLOCK);
  const tag = toBlock(g1 ^ multiply(x, power(h1, exponent)) ^ s1);

  const plaintexts = [key1, key2].map((key) => {
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: BLOCK });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const plaintext = decipher.update(ciphertext);
    decipher.final(); // throws if the construction is wrong
    return plaintext;
  });
  return { ciphertext, tag, plaintext1: plaintexts[0]!, plaintext2: plaintexts[1]! };
}
