import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

// Audit events and the heads of their hash chains (DESIGN §7). One chain per key name
// ("key:<name>") and one for tokens ("tokens"). Each event holds the SHA-256 of its predecessor;
// the head holds the last sequence number and hash, and every append is conditional on it, in the
// same transaction as the change it records (audit-append.ts).
export const auditSchema = {
  model: { entity: "audit", service: "coffer", version: "1" },
  attributes: {
    chain: { type: "string", required: true, readOnly: true },
    seq: { type: "number", required: true, readOnly: true, padding: { length: 12, char: "0" } },
    /** Epoch ms. */
    at: { type: "number", required: true, readOnly: true },
    action: { type: "string", required: true, readOnly: true },
    /** The token id of the caller, never its secret. */
    actorTokenId: { type: "string", required: true, readOnly: true },
    namespace: { type: "string", readOnly: true },
    requestId: { type: "string", required: true, readOnly: true },
    /** What the action was on: a key name, a token id, a campaign id. */
    subject: { type: "string", required: true, readOnly: true },
    details: { type: "any", required: true, readOnly: true },
    prevHash: { type: "string", required: true, readOnly: true },
    hash: { type: "string", required: true, readOnly: true },
  },
  indexes: {
    byChain: {
      pk: { field: "pk", composite: ["chain"], casing: "none" },
      sk: { field: "sk", composite: ["seq"], casing: "none" },
    },
  },
} as const;

export const chainHeadSchema = {
  model: { entity: "chainHead", service: "coffer", version: "1" },
  attributes: {
    chain: { type: "string", required: true, readOnly: true },
    seq: { type: "number", required: true },
    hash: { type: "string", required: true },
    updatedAt: { type: "number", required: true },
  },
  indexes: {
    byChain: {
      pk: { field: "pk", composite: ["chain"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
  },
} as const;

export const createAuditEntity = (config: EntityConfiguration) => new Entity(auditSchema, config);
export const createChainHeadEntity = (config: EntityConfiguration) => new Entity(chainHeadSchema, config);
export type AuditItem = EntityItem<ReturnType<typeof createAuditEntity>>;
export type ChainHeadItem = EntityItem<ReturnType<typeof createChainHeadEntity>>;
