// Sealing written from docs/sealed.md with node:crypto alone, not through @coffer/sealing: what a
// service in another language would write. Tests use it to check that the document is enough.
import {
  constants,
  createCipheriv,
  createHash,
  createPublicKey,
  publicEncrypt,
  randomBytes,
} from "node:crypto";

export function sealBySpec(spki: Uint8Array, plaintext: Uint8Array, timestampMs = Date.now()): Buffer {
  const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest();
  const aesKey = randomBytes(32);
  const iv = randomBytes(12);
  const wrapped = publicEncrypt(
    {
      key: createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }),
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: "sha256",
    },
    aesKey,
  );
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64BE(BigInt(timestampMs));
  // version 1 | fingerprint | timestamp | nonce | digest: the header, and the AAD.
  const aad = Buffer.concat([Buffer.from([1]), sha256(spki), timestamp, randomBytes(16), sha256(plaintext)]);
  const wrappedLength = Buffer.alloc(2);
  wrappedLength.writeUInt16BE(wrapped.length);
  const cipher = createCipheriv("aes-256-gcm", aesKey, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return Buffer.concat([aad, wrappedLength, wrapped, iv, ciphertext]);
}
