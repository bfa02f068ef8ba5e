// The only KMS calls Coffer makes. The real adapter (aws.ts) satisfies this port; tests point it at
// the KMS emulator, so most tests need no fake at all.

/** A KMS encryption context: case-sensitive, order-insensitive, never secret (CloudTrail logs it). */
export type EncryptionContext = Readonly<Record<string, string>>;

export interface DataKeyRequest {
  /** Key id, key ARN, alias name or alias ARN. */
  keyId: string;
  context: EncryptionContext;
  bits: 128 | 256;
}

export interface WrappedDataKey {
  wrapped: Buffer;
  /** The ARN of the KMS key that wrapped it. */
  keyArn: string;
}

export interface DataKey extends WrappedDataKey {
  plaintext: Buffer;
}

export interface KeyDescription {
  arn: string;
  state: string;
}

export interface Kms {
  generateDataKey(request: DataKeyRequest): Promise<DataKey>;
  generateWrappedDataKey(request: DataKeyRequest): Promise<WrappedDataKey>;
  /** Unwraps a symmetric KMS blob; `keyId`, when given, must name the key in the blob. */
  decrypt(request: { wrapped: Uint8Array; context: EncryptionContext; keyId?: string }): Promise<Buffer>;
  /**
   * Re-wraps under the destination key's current material without exposing the data key.
   * `toContext` (default: `context`) is the destination encryption context; `fromKeyId` names the
   * key the blob must belong to (KMS answers IncorrectKeyException otherwise).
   */
  reEncrypt(request: {
    wrapped: Uint8Array;
    context: EncryptionContext;
    fromKeyId: string;
    toKeyId: string;
    toContext?: EncryptionContext;
  }): Promise<WrappedDataKey>;
  describeKey(keyId: string): Promise<KeyDescription>;
  /** The RSA seal key's public half (DER SubjectPublicKeyInfo). */
  getPublicKey(keyId: string): Promise<PublicKey>;
  /**
   * Unwraps an RSA-OAEP-SHA-256 ciphertext with the RSA key `keyId`. RSA requests have their own,
   * much smaller KMS quota (1,000/s per account and region): throttling is CofferError "rate_limited".
   */
  decryptRsa(request: { keyId: string; wrapped: Uint8Array }): Promise<Buffer>;
  /** RotateKeyOnDemand; KMS allows ten per key, after which this throws key_unusable/kms_rotation_limit. */
  rotateKeyOnDemand(keyId: string): Promise<void>;
  /** Every rotation of the key (on demand and automatic), oldest first. */
  listKeyRotations(keyId: string): Promise<KeyRotation[]>;
}

export interface PublicKey {
  spki: Buffer;
  keyArn: string;
}

export interface KeyRotation {
  keyMaterialId: string;
  /** Epoch ms. */
  rotatedAt: number;
  type: "ON_DEMAND" | "AUTOMATIC";
}
