// The named keys that Coffer offers, declared as code. Infra creates one KMS key per entry and the
// local runner creates the same keys in the emulator, so the two cannot drift apart.

/** How long, and for how much, one KMS data key may be reused for encryption. */
export interface DataKeyCachePolicy {
  maxAgeMs: number;
  maxMessages: number;
  maxBytes: number;
}

/** "data" keys serve the crypto and records API; the "bins" key serves secure bins only. */
export type KeyPurpose = "data" | "bins";

/**
 * How an envelope's data key relates to its encryption context (docs/envelope.md, "Two modes").
 * - "kms": the context goes to KMS with each data key, so CloudTrail logs it and IAM conditions on
 *   context keys apply; one KMS data key per (key, version, context).
 * - "derived": KMS issues one data key per (key, version) under Coffer's own context, and the
 *   message key is derived from it with HKDF over the canonical context; KMS calls no longer grow
 *   with the number of contexts, but KMS and CloudTrail no longer see the context.
 */
export type EnvelopeMode = "kms" | "derived";

export interface CatalogKey {
  name: string;
  description: string;
  purpose: KeyPurpose;
  keySpec: "SYMMETRIC_DEFAULT";
  rotation: { enabled: boolean; periodDays: number };
  cache: DataKeyCachePolicy;
  mode: EnvelopeMode;
}

// One cached data key gives one AES-GCM key (one salt per data key), and every message gets its own
// random IV. The data-key cache caps messages (2^20) and bytes per data key whatever a policy says
// (data-key-cache.ts); these limits bound how much one unwrapped key protects and how long it lives
// in memory.
export const defaultCachePolicy: DataKeyCachePolicy = {
  maxAgeMs: 5 * 60_000,
  maxMessages: 100_000,
  maxBytes: 2 ** 32,
};

export const keyCatalog = {
  default: {
    name: "default",
    description: "Coffer default data key",
    purpose: "data",
    keySpec: "SYMMETRIC_DEFAULT",
    rotation: { enabled: true, periodDays: 365 },
    cache: defaultCachePolicy,
    mode: "kms",
  },
  pii: {
    name: "pii",
    description: "Coffer data key for personal data, granted apart from default",
    purpose: "data",
    keySpec: "SYMMETRIC_DEFAULT",
    rotation: { enabled: true, periodDays: 90 },
    cache: defaultCachePolicy,
    mode: "kms",
  },
  bins: {
    name: "bins",
    description: "Coffer secure bins: data keys bound to {purpose: bin, binId}",
    purpose: "bins",
    keySpec: "SYMMETRIC_DEFAULT",
    rotation: { enabled: true, periodDays: 365 },
    // Bin keys are never cached: each bin has its own data key.
    cache: { maxAgeMs: 0, maxMessages: 1, maxBytes: 0 },
    mode: "kms",
  },
} as const satisfies Record<string, CatalogKey>;

export type KeyName = keyof typeof keyCatalog;

/** The RSA key that clients seal input to (DESIGN §5). */
export const sealKey = {
  name: "seal",
  description: "Coffer sealed input (RSA-OAEP-SHA-256)",
  keySpec: "RSA_3072",
  encryptionAlgorithm: "RSAES_OAEP_SHA_256",
} as const;

export const catalogKeys: readonly CatalogKey[] = Object.values(keyCatalog);
export const dataKeyNames = catalogKeys.filter((key) => key.purpose === "data").map((key) => key.name);

export function findCatalogKey(name: string): CatalogKey | undefined {
  return catalogKeys.find((key) => key.name === name);
}

/** Per-stage alias, the same in AWS and in the emulator. */
export function kmsAliasName(stage: string, keyName: string): string {
  return `alias/coffer/${stage}/${keyName}`;
}
