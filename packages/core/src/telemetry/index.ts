// What core tells the outside world about its work, as plain callbacks: which KMS calls it made and
// how they went, and whether the data-key caches saved one. Core knows nothing of logs or metric
// formats; the functions package adapts this port to Powertools (packages/functions/src/telemetry).
// Every field is a closed set or a number: nothing a caller sent, and nothing secret, fits in one.

/** Every call of the Kms port (packages/core/src/kms/port.ts); kms/observed.ts checks the list is whole. */
export const kmsOperations = [
  "generateDataKey",
  "generateWrappedDataKey",
  "decrypt",
  "reEncrypt",
  "describeKey",
  "getPublicKey",
  "decryptRsa",
  "rotateKeyOnDemand",
  "listKeyRotations",
] as const;
export type KmsOperation = (typeof kmsOperations)[number];

/** ok; throttled: KMS answered ThrottlingException (after retries); failed: any other error. */
export type KmsOutcome = "ok" | "throttled" | "failed";

/** dataKey: the encrypting side's cache of generated keys; unwrappedKey: the decrypting side's. */
export type KeyCacheName = "dataKey" | "unwrappedKey";
/** hit: no KMS call; miss: one KMS call; bypass: the key's policy forbids reuse. */
export type KeyCacheOutcome = "hit" | "miss" | "bypass";

export interface Telemetry {
  kmsCall(call: { operation: KmsOperation; outcome: KmsOutcome; durationMs: number }): void;
  keyCache(lookup: { cache: KeyCacheName; outcome: KeyCacheOutcome }): void;
}

/** For code paths and tests that report nothing. */
export const silentTelemetry: Telemetry = { kmsCall: () => {}, keyCache: () => {} };
