// Key material: AES backing keys per version, and RSA key pairs. Kept apart from the state model so
// that the only crypto primitives live here, in blob.ts and in operations/cipher.ts.
import { createHash, generateKeyPair } from "node:crypto";
import { promisify } from "node:util";
import type { KeyVersion, RotationType, RsaKeySpec, RsaMaterial, SymmetricMaterial } from "./model";
import type { RandomSource } from "./random";

const AES_KEY_BYTES = 32;

export function createSymmetricMaterial(random: RandomSource, createdAt: number): SymmetricMaterial {
  return { kind: "symmetric", versions: [{ version: 1, aesKey: random.bytes(AES_KEY_BYTES), createdAt }] };
}

/** Adds new backing material; the key id, ARN, aliases and older versions stay as they are. */
export function addKeyVersion(
  material: SymmetricMaterial,
  random: RandomSource,
  createdAt: number,
  rotationType: RotationType,
): KeyVersion {
  const next: KeyVersion = {
    version: currentVersion(material).version + 1,
    aesKey: random.bytes(AES_KEY_BYTES),
    createdAt,
    rotationType,
  };
  material.versions.push(next);
  return next;
}

export function currentVersion(material: SymmetricMaterial): KeyVersion {
  const latest = material.versions.at(-1);
  if (!latest) throw new Error("A symmetric key always has at least one version");
  return latest;
}

/** Stable and not secret: it names a version without revealing anything about its bytes. */
export function keyMaterialId(keyId: string, version: number): string {
  const versionBytes = Buffer.alloc(4);
  versionBytes.writeUInt32BE(version);
  return createHash("sha256").update(keyId, "utf8").update(versionBytes).digest("hex");
}

const generateRsa = promisify(generateKeyPair);

export const rsaModulusBits: Record<RsaKeySpec, number> = { RSA_2048: 2048, RSA_3072: 3072, RSA_4096: 4096 };

// Asynchronous: a 4096-bit key takes a second or more, and the server must keep answering meanwhile.
export async function generateRsaMaterial(spec: RsaKeySpec): Promise<RsaMaterial> {
  const { privateKey, publicKey } = await generateRsa("rsa", {
    modulusLength: rsaModulusBits[spec],
    publicExponent: 0x10001,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "der" },
  });
  return { kind: "rsa", privateKeyPem: privateKey, publicKeyDer: publicKey };
}
