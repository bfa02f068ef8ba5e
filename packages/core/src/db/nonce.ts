import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

// A sealed payload's nonce, claimed once (DESIGN §5). The claim is a conditional create: of any
// number of concurrent requests carrying one nonce, exactly one succeeds. A claim whose payload then
// fails a check is deleted again (sealed/service.ts). `expiresAt` (the TTL)
// lies past the end of the payload's ±5 min window, so a nonce is remembered for as long as its
// payload could be accepted; after that the timestamp check refuses it anyway.
export const nonceSchema = {
  model: { entity: "nonce", service: "coffer", version: "1" },
  attributes: {
    /** base64url of the payload's 16 random bytes. Not secret. */
    nonce: { type: "string", required: true, readOnly: true },
    /** Random per claim: a release deletes its own claim and never another's. */
    claimId: { type: "string", required: true, readOnly: true },
    claimedAt: { type: "number", required: true, readOnly: true },
    /** Epoch seconds. */
    expiresAt: { type: "number", required: true, readOnly: true },
  },
  indexes: {
    byNonce: {
      pk: { field: "pk", composite: ["nonce"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
  },
} as const;

export const createNonceEntity = (config: EntityConfiguration) => new Entity(nonceSchema, config);
export type NonceItem = EntityItem<ReturnType<typeof createNonceEntity>>;
