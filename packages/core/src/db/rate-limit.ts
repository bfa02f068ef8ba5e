import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

// One counter per (action, hashed source IP, fixed window), bumped with an atomic ADD, so that every
// Lambda instance counts into the same item. The TTL removes it soon after its window closes.
export const rateLimitSchema = {
  model: { entity: "rateLimit", service: "coffer", version: "1" },
  attributes: {
    action: { type: "string", required: true, readOnly: true },
    /** A hash of the source IP: the table never holds a raw address. */
    subjectHash: { type: "string", required: true, readOnly: true },
    /** Epoch seconds at which the window opened. */
    windowStart: { type: "number", required: true, readOnly: true },
    count: { type: "number" },
    /** Epoch seconds. */
    expiresAt: { type: "number" },
  },
  indexes: {
    // The hash is base64url: keep its case (ElectroDB lowercases keys by default).
    byWindow: {
      pk: { field: "pk", composite: ["action", "subjectHash", "windowStart"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
  },
} as const;

export const createRateLimitEntity = (config: EntityConfiguration) => new Entity(rateLimitSchema, config);
export type RateLimitItem = EntityItem<ReturnType<typeof createRateLimitEntity>>;
