// Key lifecycle: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey, ScheduleKeyDeletion,
// CancelKeyDeletion, GetPublicKey.
import { kmsError } from "../errors";
import {
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalString,
  readLimit,
  readMarker,
  readTags,
  requiredKeyId,
} from "../input";
import type { KeyStore } from "../key-store";
import { createSymmetricMaterial } from "../material";
import { DAY_MS, type KeySpec, type KmsKey, rsaAlgorithms, supportedKeySpecs, toWireTime } from "../model";
import { type Operation, requireEnabled, requireNotPendingDeletion } from "./context";
import { keyMetadata } from "./metadata";
import { paginate } from "./paging";

// The enums KMS validates against. Values outside them are a ValidationException; values inside them
// that this emulator cannot make (ECC, HMAC, imported material...) are an UnsupportedOperationException.
const keySpecs = [
  ...["ECC_NIST_EDWARDS25519", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1"],
  ...["HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87"],
  ...[
    "ML_KEM_1024",
    "ML_KEM_512",
    "ML_KEM_768",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "SM2",
    "SYMMETRIC_DEFAULT",
  ],
] as const;
const customerMasterKeySpecs = keySpecs.filter(
  (spec) => !spec.startsWith("ML_") && spec !== "ECC_NIST_EDWARDS25519",
);
const keyUsages = [
  "ENCAPSULATE_DECAPSULATE",
  "ENCRYPT_DECRYPT",
  "GENERATE_VERIFY_MAC",
  "KEY_AGREEMENT",
  "SIGN_VERIFY",
];
const origins = ["AWS_CLOUDHSM", "AWS_KMS", "EXTERNAL", "EXTERNAL_KEY_STORE"];

const isSupportedSpec = (spec: string): spec is KeySpec =>
  (supportedKeySpecs as readonly string[]).includes(spec);
const unsupported = (what: string) =>
  kmsError("UnsupportedOperationException", `The KMS emulator does not support ${what}.`);

export const createKey: Operation = async ({ store, random, now, rsaMaterial }, body) => {
  const keySpec = optionalEnum(body, "KeySpec", keySpecs);
  const legacySpec = optionalEnum(body, "CustomerMasterKeySpec", customerMasterKeySpecs);
  const usage = optionalEnum(body, "KeyUsage", keyUsages) ?? "ENCRYPT_DECRYPT";
  const origin = optionalEnum(body, "Origin", origins) ?? "AWS_KMS";
  const description = optionalString(body, "Description", { min: 0, max: 8192 }) ?? "";
  const tags = readTags(body);
  optionalString(body, "Policy", { min: 1, max: 131_072 });
  optionalBoolean(body, "BypassPolicyLockoutSafetyCheck");
  const isMultiRegion = optionalBoolean(body, "MultiRegion") ?? false;

  if (keySpec && legacySpec)
    throw kmsError(
      "ValidationException",
      "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.",
    );
  const spec = keySpec ?? legacySpec ?? "SYMMETRIC_DEFAULT";
  if (!isSupportedSpec(spec)) throw unsupported(`KeySpec ${spec}`);
  if (usage !== "ENCRYPT_DECRYPT")
    throw kmsError(
      "ValidationException",
      `KeyUsage ${usage} is not supported by this emulator for KeySpec ${spec}.`,
    );
  if (origin !== "AWS_KMS") throw unsupported(`Origin ${origin}`);
  if (isMultiRegion) throw unsupported("multi-Region keys");

  const createdAt = now();
  const key: KmsKey = {
    id: random.uuid(),
    description,
    spec,
    createdAt,
    state: "Enabled",
    rotation: { enabled: false, periodDays: 365, onDemandCount: 0 },
    material:
      spec === "SYMMETRIC_DEFAULT" ? createSymmetricMaterial(random, createdAt) : await rsaMaterial(spec),
    tags,
  };
  store.putKey(key);
  return { KeyMetadata: keyMetadata(key, store) };
};

export const describeKey: Operation = ({ store }, body) => {
  const key = store.resolveKey(requiredKeyId(body));
  return { KeyMetadata: keyMetadata(key, store) };
};

export const listKeys: Operation = ({ store }, body) => {
  const limit = readLimit(body, 1000, 100);
  const marker = readMarker(body);
  const { items, ...page } = paginate(store.listKeys(), {
    listing: "keys",
    limit,
    marker,
    keyOf: (key) => key.id,
  });
  return { Keys: items.map((key) => ({ KeyId: key.id, KeyArn: store.keyArn(key.id) })), ...page };
};

// Both are idempotent: enabling an enabled key is not an error.
export const enableKey: Operation = ({ store }, body) => setEnabled(store, requiredKeyId(body), "Enabled");
export const disableKey: Operation = ({ store }, body) => setEnabled(store, requiredKeyId(body), "Disabled");

function setEnabled(store: KeyStore, keyId: string, state: "Enabled" | "Disabled") {
  const key = store.resolveKey(keyId);
  requireNotPendingDeletion(key, store);
  if (key.state !== state) {
    key.state = state;
    store.changed();
  }
  return {};
}

export const scheduleKeyDeletion: Operation = ({ store, now }, body) => {
  const keyId = requiredKeyId(body);
  const windowDays = optionalInteger(body, "PendingWindowInDays", { min: 7, max: 30 }) ?? 30;
  const key = store.resolveKey(keyId);
  requireNotPendingDeletion(key, store);
  key.state = "PendingDeletion";
  key.deletion = { at: now() + windowDays * DAY_MS, windowDays };
  store.changed();
  return {
    KeyId: store.keyArn(key.id),
    DeletionDate: toWireTime(key.deletion.at),
    KeyState: key.state,
    PendingWindowInDays: windowDays,
  };
};

// A cancelled deletion leaves the key Disabled, not Enabled, exactly as in AWS.
export const cancelKeyDeletion: Operation = ({ store }, body) => {
  const key = store.resolveKey(requiredKeyId(body));
  if (key.state !== "PendingDeletion")
    throw kmsError("KMSInvalidStateException", `${store.keyArn(key.id)} is not pending deletion.`);
  key.state = "Disabled";
  delete key.deletion;
  store.changed();
  return { KeyId: store.keyArn(key.id) };
};

export const getPublicKey: Operation = ({ store }, body) => {
  const key = store.resolveKey(requiredKeyId(body));
  if (key.material.kind !== "rsa")
    throw kmsError(
      "UnsupportedOperationException",
      `${store.keyArn(key.id)} key usage is ENCRYPT_DECRYPT and key spec ${key.spec}: GetPublicKey works on asymmetric keys only.`,
    );
  requireEnabled(key, store);
  return {
    KeyId: store.keyArn(key.id),
    PublicKey: key.material.publicKeyDer.toString("base64"),
    KeySpec: key.spec,
    CustomerMasterKeySpec: key.spec,
    KeyUsage: "ENCRYPT_DECRYPT",
    EncryptionAlgorithms: [...rsaAlgorithms],
  };
};
