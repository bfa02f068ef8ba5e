import type { KmsCapability } from "@coffer/functions/routes";

// Least privilege, computed: a function gets exactly the KMS statements that the capabilities of
// its procedures need (DESIGN §2). Generic over the ARN type so that infra passes Pulumi outputs
// and the tests pass strings.

export interface KeyArns<Arn> {
  /** The catalog's data keys (purpose "data"). */
  data: Arn[];
  /** The secure bins key. */
  bins: Arn;
  /** The RSA key that clients seal input to. */
  seal: Arn;
}

export interface Condition {
  test: string;
  variable: string;
  values: string[];
}

export interface KmsStatement<Arn> {
  actions: string[];
  resources: Arn[];
  conditions?: Condition[];
}

/** Bin keys may only be made and unwrapped under the context {purpose: "bin", ...}. */
export const BIN_PURPOSE_CONDITION: Condition = {
  test: "StringEquals",
  variable: "kms:EncryptionContext:purpose",
  values: ["bin"],
};

/**
 * `kms:EncryptionContext:<key>` matches the context key's name case-insensitively, so a context
 * {Purpose: "bin"} would pass the condition above. This one pins the exact (case-sensitive) names
 * a bin context may have: {purpose, binId} for a bin, {purpose, pepper} for the rate limiter's.
 */
export const BIN_CONTEXT_KEYS_CONDITION: Condition = {
  test: "ForAllValues:StringEquals",
  variable: "kms:EncryptionContextKeys",
  values: ["binId", "pepper", "purpose"],
};

const binConditions = [BIN_PURPOSE_CONDITION, BIN_CONTEXT_KEYS_CONDITION];

/** The seal key opens only RSA-OAEP-SHA-256 ciphertexts: the one algorithm sealed input uses. */
export const SEAL_ALGORITHM_CONDITION: Condition = {
  test: "StringEquals",
  variable: "kms:EncryptionAlgorithm",
  values: ["RSAES_OAEP_SHA_256"],
};

export function kmsStatement<Arn>(capability: KmsCapability, keys: KeyArns<Arn>): KmsStatement<Arn> {
  switch (capability) {
    case "describeKey":
      return { actions: ["kms:DescribeKey"], resources: keys.data };
    case "generateDataKey":
      return {
        actions: ["kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext"],
        resources: keys.data,
      };
    case "decryptDataKey":
      return { actions: ["kms:Decrypt"], resources: keys.data };
    case "reEncryptDataKey":
      return { actions: ["kms:ReEncryptFrom", "kms:ReEncryptTo"], resources: keys.data };
    case "generateBinKey":
      return {
        actions: ["kms:GenerateDataKey"],
        resources: [keys.bins],
        conditions: binConditions,
      };
    case "decryptBinKey":
      return { actions: ["kms:Decrypt"], resources: [keys.bins], conditions: binConditions };
    case "getSealPublicKey":
      return { actions: ["kms:GetPublicKey"], resources: [keys.seal] };
    case "decryptSealKey":
      return { actions: ["kms:Decrypt"], resources: [keys.seal], conditions: [SEAL_ALGORITHM_CONDITION] };
    case "rotateKey":
      return { actions: ["kms:ListKeyRotations", "kms:RotateKeyOnDemand"], resources: keys.data };
    case "listKeyRotations":
      return { actions: ["kms:ListKeyRotations"], resources: keys.data };
  }
}

export function kmsStatements<Arn>(
  capabilities: readonly KmsCapability[],
  keys: KeyArns<Arn>,
): KmsStatement<Arn>[] {
  return [...new Set(capabilities)].sort().map((capability) => kmsStatement(capability, keys));
}
