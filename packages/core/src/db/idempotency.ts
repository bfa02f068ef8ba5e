import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

// Remembers which record a (token, idempotency key) pair created, so a retried put returns the
// first id. Written in the same transaction as the record, so neither exists without the other.
export const idempotencySchema = {
  model: { entity: "idempotency", service: "coffer", version: "1" },
  attributes: {
    tokenId: { type: "string", required: true, readOnly: true },
    idempotencyKey: { type: "string", required: true, readOnly: true },
    recordId: { type: "string", required: true, readOnly: true },
    createdAt: { type: "number", required: true, readOnly: true },
    /** Epoch seconds: a key is remembered for a day, like the payment APIs that popularised them. */
    expiresAt: { type: "number", required: true },
  },
  indexes: {
    byKey: {
      pk: { field: "pk", composite: ["tokenId", "idempotencyKey"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
  },
} as const;

export const createIdempotencyEntity = (config: EntityConfiguration) => new Entity(idempotencySchema, config);
export type IdempotencyItem = EntityItem<ReturnType<typeof createIdempotencyEntity>>;
