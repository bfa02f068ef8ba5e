// The emulator's state model (spec §5). Times are epoch milliseconds here; the wire carries seconds.
import type { Tag } from "./input";

export const supportedKeySpecs = ["SYMMETRIC_DEFAULT", "RSA_2048", "RSA_3072", "RSA_4096"] as const;
export type KeySpec = (typeof supportedKeySpecs)[number];
export type RsaKeySpec = Exclude<KeySpec, "SYMMETRIC_DEFAULT">;

export type KeyState = "Enabled" | "Disabled" | "PendingDeletion";
export type RotationType = "ON_DEMAND" | "AUTOMATIC";

export interface KeyVersion {
  /** 1-based; the blob header carries it. */
  version: number;
  aesKey: Buffer;
  createdAt: number;
  /** How this version came to be; absent for the material the key was created with. */
  rotationType?: RotationType;
}

export interface SymmetricMaterial {
  kind: "symmetric";
  /** Every version ever made, oldest first: old ciphertexts keep decrypting after a rotation. */
  versions: KeyVersion[];
}

export interface RsaMaterial {
  kind: "rsa";
  privateKeyPem: string;
  /** DER SubjectPublicKeyInfo, what GetPublicKey returns. */
  publicKeyDer: Buffer;
}

export interface KeyRotation {
  enabled: boolean;
  periodDays: number;
  nextRotationAt?: number;
  onDemandCount: number;
}

export interface KmsKey {
  /** The bare UUID. */
  id: string;
  description: string;
  spec: KeySpec;
  createdAt: number;
  state: KeyState;
  deletion?: { at: number; windowDays: number };
  rotation: KeyRotation;
  material: SymmetricMaterial | RsaMaterial;
  tags: Tag[];
}

export interface KmsAlias {
  /** `alias/...` */
  name: string;
  targetKeyId: string;
  createdAt: number;
  updatedAt: number;
}

export const isSymmetric = (key: KmsKey): key is KmsKey & { material: SymmetricMaterial } =>
  key.material.kind === "symmetric";

export const symmetricAlgorithms = ["SYMMETRIC_DEFAULT"] as const;
export const rsaAlgorithms = ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"] as const;
/** The full enum KMS validates against, including algorithms this emulator has no key for. */
export const encryptionAlgorithms = [...symmetricAlgorithms, ...rsaAlgorithms, "SM2PKE"] as const;
export type EncryptionAlgorithm = (typeof encryptionAlgorithms)[number];

export const algorithmsOf = (key: KmsKey): readonly EncryptionAlgorithm[] =>
  isSymmetric(key) ? symmetricAlgorithms : rsaAlgorithms;

export const DAY_MS = 86_400_000;

/** Wire timestamps are epoch seconds; fractions are allowed and the SDK keeps them. */
export const toWireTime = (ms: number) => ms / 1000;
