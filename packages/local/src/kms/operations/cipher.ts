// Encrypting under a key and decrypting a ciphertext: the rules Encrypt, Decrypt, ReEncrypt and
// GenerateDataKey* share (spec §3, "Decrypt rules, in order"). Every error here names no plaintext.
import {
  constants,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  privateDecrypt,
  publicEncrypt,
} from "node:crypto";
import { IV_LENGTH, openBlob, readBlobHeader, sealBlob } from "../blob";
import { kmsError } from "../errors";
import type { EncryptionContext } from "../input";
import type { KeyStore } from "../key-store";
import { currentVersion, keyMaterialId, rsaModulusBits } from "../material";
import {
  algorithmsOf,
  type EncryptionAlgorithm,
  type KmsKey,
  type RsaKeySpec,
  type RsaMaterial,
  rsaAlgorithms,
} from "../model";
import { type OperationContext, requireEnabled } from "./context";

export interface CipherResult {
  key: KmsKey;
  algorithm: EncryptionAlgorithm;
  /** Symmetric keys only: which backing version did the work. */
  materialId?: string;
}

// The same words whatever went wrong (tampering, truncation, wrong context), as KMS gives no detail.
const invalidCiphertext = () =>
  kmsError("InvalidCiphertextException", "The ciphertext is invalid or does not match this request.");

const oaepHash = (algorithm: EncryptionAlgorithm) => (algorithm === "RSAES_OAEP_SHA_1" ? "sha1" : "sha256");

/** RSA-OAEP takes at most k - 2·hLen - 2 bytes: 190 for RSA_2048 with SHA-256, 214 with SHA-1. */
export function oaepPlaintextLimit(spec: RsaKeySpec, algorithm: EncryptionAlgorithm): number {
  const hashBytes = algorithm === "RSAES_OAEP_SHA_1" ? 20 : 32;
  return rsaModulusBits[spec] / 8 - 2 * hashBytes - 2;
}

// KMS supports an encryption context only on symmetric keys (spec §3 choice: ValidationException).
function refuseContextOnRsa(key: KmsKey, context: EncryptionContext, store: KeyStore): void {
  if (Object.keys(context).length > 0)
    throw kmsError(
      "ValidationException",
      `${store.keyArn(key.id)} is an asymmetric key: EncryptionContext is supported on symmetric keys only.`,
    );
}

export function requireSymmetricForDataKeys(key: KmsKey, store: KeyStore, operation: string): void {
  if (key.material.kind !== "symmetric")
    throw kmsError(
      "InvalidKeyUsageException",
      `${store.keyArn(key.id)} key spec is ${key.spec}: ${operation} needs a symmetric encryption key.`,
    );
}

export interface EncryptRequest {
  plaintext: Buffer;
  context: EncryptionContext;
  algorithm?: EncryptionAlgorithm;
}

export function encryptUnder(
  { store, random }: OperationContext,
  key: KmsKey,
  { plaintext, context, algorithm = "SYMMETRIC_DEFAULT" }: EncryptRequest,
): CipherResult & { ciphertext: Buffer } {
  if (!algorithmsOf(key).includes(algorithm))
    throw kmsError(
      "InvalidKeyUsageException",
      `${store.keyArn(key.id)} key spec is ${key.spec}, which does not support EncryptionAlgorithm ${algorithm}.`,
    );
  requireEnabled(key, store);
  if (key.material.kind === "symmetric") {
    const { version, aesKey } = currentVersion(key.material);
    const ciphertext = sealBlob({
      keyId: key.id,
      version,
      aesKey,
      iv: random.bytes(IV_LENGTH),
      plaintext,
      context,
    });
    return { key, algorithm, ciphertext, materialId: keyMaterialId(key.id, version) };
  }
  refuseContextOnRsa(key, context, store);
  const limit = oaepPlaintextLimit(key.spec as RsaKeySpec, algorithm);
  if (plaintext.length > limit)
    throw kmsError(
      "ValidationException",
      `Plaintext is too long for ${key.spec} with ${algorithm}: at most ${limit} bytes can be encrypted.`,
    );
  const publicKey = createPublicKey({ key: key.material.publicKeyDer, format: "der", type: "spki" });
  const ciphertext = publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(algorithm) },
    plaintext,
  );
  return { key, algorithm, ciphertext };
}

export interface DecryptRequest {
  ciphertext: Buffer;
  context: EncryptionContext;
  keyId?: string;
  algorithm?: EncryptionAlgorithm;
}

export function decryptCiphertext(
  { store }: OperationContext,
  { ciphertext, context, keyId, algorithm }: DecryptRequest,
): CipherResult & { plaintext: Buffer } {
  const named = keyId === undefined ? undefined : store.resolveKey(keyId);
  if (named?.material.kind === "rsa")
    return decryptRsa(store, named, named.material, { ciphertext, context, algorithm });

  const header = readBlobHeader(ciphertext);
  if (!header) throw invalidCiphertext();
  if (named && named.id !== header.keyId)
    throw kmsError(
      "IncorrectKeyException",
      "The key ID in the request does not identify a KMS key that can perform this operation.",
    );
  if (algorithm !== undefined && algorithm !== "SYMMETRIC_DEFAULT")
    throw kmsError(
      "InvalidKeyUsageException",
      `EncryptionAlgorithm ${algorithm} is not valid for this ciphertext.`,
    );
  const key = named ?? store.getKey(header.keyId);
  // A key this emulator deleted is NotFound (spec §3 rule 4); a key id it never issued means the blob
  // was altered or is not ours, which is InvalidCiphertext like any other tampering.
  if (!key && store.wasDeleted(header.keyId))
    throw kmsError("NotFoundException", `Key '${store.keyArn(header.keyId)}' does not exist`);
  if (!key) throw invalidCiphertext();
  // State before authentication: a disabled key says so even when the context is wrong.
  requireEnabled(key, store);
  if (key.material.kind !== "symmetric") throw invalidCiphertext();
  const version = key.material.versions.find((candidate) => candidate.version === header.version);
  const plaintext = version && openBlob(ciphertext, version.aesKey, context);
  if (!version || !plaintext) throw invalidCiphertext();
  return {
    key,
    algorithm: "SYMMETRIC_DEFAULT",
    plaintext,
    materialId: keyMaterialId(key.id, version.version),
  };
}

// RSA ciphertexts are raw OAEP output with no header, as in KMS, so data sealed offline with the
// public key decrypts here; the caller has to say which key and which algorithm.
function decryptRsa(
  store: KeyStore,
  key: KmsKey,
  material: RsaMaterial,
  { ciphertext, context, algorithm }: Omit<DecryptRequest, "keyId">,
): CipherResult & { plaintext: Buffer } {
  if (algorithm === undefined || !(rsaAlgorithms as readonly string[]).includes(algorithm))
    throw kmsError(
      "InvalidKeyUsageException",
      `${store.keyArn(key.id)} key spec is ${key.spec}: specify EncryptionAlgorithm ${rsaAlgorithms.join(" or ")}.`,
    );
  requireEnabled(key, store);
  refuseContextOnRsa(key, context, store);
  try {
    const plaintext = privateDecrypt(
      {
        key: privateKeyOf(material),
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: oaepHash(algorithm),
      },
      ciphertext,
    );
    return { key, algorithm, plaintext };
  } catch {
    throw invalidCiphertext();
  }
}

// Parsing the PEM costs about as much as the RSA operation itself: parse each key once.
const parsedPrivateKeys = new WeakMap<RsaMaterial, KeyObject>();
function privateKeyOf(material: RsaMaterial): KeyObject {
  let key = parsedPrivateKeys.get(material);
  if (!key) parsedPrivateKeys.set(material, (key = createPrivateKey(material.privateKeyPem)));
  return key;
}
