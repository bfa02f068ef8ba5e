import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

// Usage counters (DESIGN §7): per key version and per token, bumped with atomic ADD by each
// function instance's meter (usage/meter.ts) about once a second, never once per request. One
// partition per counted subject ("key:<name>", "token:<id>"); in it, the all-time totals
// (period "all") and, for keys, one bucket per UTC day ("day:YYYY-MM-DD") that expires after 90
// days. Versions are zero-padded so that a partition sorts by period, then version.
export const usageSchema = {
  model: { entity: "usage", service: "coffer", version: "1" },
  attributes: {
    usageOf: { type: "string", required: true, readOnly: true },
    period: { type: "string", required: true, readOnly: true },
    /** The key version; 0 for a token's counters. */
    version: { type: "number", required: true, readOnly: true, padding: { length: 6, char: "0" } },
    encrypts: { type: "number" },
    decrypts: { type: "number" },
    /** Plaintext bytes encrypted plus decrypted. */
    bytes: { type: "number" },
    /** Epoch ms of the newest use in the latest flush (last writer wins, so within ~1 s). */
    lastUsedAt: { type: "number" },
    /** Epoch seconds (TTL): day buckets only. */
    expiresAt: { type: "number" },
  },
  indexes: {
    bySubject: {
      pk: { field: "pk", composite: ["usageOf"], casing: "none" },
      sk: { field: "sk", composite: ["period", "version"], casing: "none" },
    },
  },
} as const;

// Refused requests and bin burns, counted per UTC hour, namespace and reason in one partition
// (the whole log is small: an instance adds to each counter at most once a second). Kept 7 days.
export const refusalCountSchema = {
  model: { entity: "refusalCount", service: "coffer", version: "1" },
  attributes: {
    /** Always "refusals": the one partition of these counters. */
    refusalTally: { type: "string", required: true, readOnly: true },
    /** UTC hour, "YYYY-MM-DDTHH". */
    hour: { type: "string", required: true, readOnly: true },
    namespace: { type: "string", required: true, readOnly: true },
    reason: { type: "string", required: true, readOnly: true },
    count: { type: "number" },
    expiresAt: { type: "number" },
  },
  indexes: {
    byHour: {
      pk: { field: "pk", composite: ["refusalTally"], casing: "none" },
      sk: { field: "sk", composite: ["hour", "namespace", "reason"], casing: "none" },
    },
  },
} as const;

// A sampled log of refusals and burns: at most `slot`s 0..N-1 per (minute, namespace, reason),
// each claimed with a conditional put, so the cap holds across every instance. Never a secret or
// an input: time, namespace, reason, procedure, request id and token id only. Kept 7 days.
export const refusalSampleSchema = {
  model: { entity: "refusalSample", service: "coffer", version: "1" },
  attributes: {
    /** Always "refusals": the one partition of the sampled log. */
    refusalLog: { type: "string", required: true, readOnly: true },
    /** UTC minute, "YYYY-MM-DDTHH:MM". */
    minute: { type: "string", required: true, readOnly: true },
    namespace: { type: "string", required: true, readOnly: true },
    reason: { type: "string", required: true, readOnly: true },
    slot: { type: "number", required: true, readOnly: true, padding: { length: 3, char: "0" } },
    /** Epoch ms. */
    at: { type: "number", required: true, readOnly: true },
    procedure: { type: "string", required: true, readOnly: true },
    requestId: { type: "string", required: true, readOnly: true },
    tokenId: { type: "string", readOnly: true },
    expiresAt: { type: "number", required: true, readOnly: true },
  },
  indexes: {
    byMinute: {
      pk: { field: "pk", composite: ["refusalLog"], casing: "none" },
      sk: { field: "sk", composite: ["minute", "namespace", "reason", "slot"], casing: "none" },
    },
  },
} as const;

export const createUsageEntity = (config: EntityConfiguration) => new Entity(usageSchema, config);
export const createRefusalCountEntity = (config: EntityConfiguration) =>
  new Entity(refusalCountSchema, config);
export const createRefusalSampleEntity = (config: EntityConfiguration) =>
  new Entity(refusalSampleSchema, config);
export type UsageItem = EntityItem<ReturnType<typeof createUsageEntity>>;
export type RefusalCountItem = EntityItem<ReturnType<typeof createRefusalCountEntity>>;
export type RefusalSampleItem = EntityItem<ReturnType<typeof createRefusalSampleEntity>>;

export const REFUSALS = "refusals";
export const keyUsageSubject = (keyName: string) => `key:${keyName}`;
export const tokenUsageSubject = (tokenId: string) => `token:${tokenId}`;
export const ALL_TIME = "all";
export const dayPeriod = (day: string) => `day:${day}`;
