import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

// A service secret that the table holds only wrapped by KMS: whoever can read the table still needs
// KMS to use it. The first instance that needs one creates it; every later instance unwraps it.
export const pepperSchema = {
  model: { entity: "pepper", service: "coffer", version: "1" },
  attributes: {
    name: { type: "string", required: true, readOnly: true },
    /** The KMS ciphertext blob of the secret, base64url. */
    wrapped: { type: "string", required: true, readOnly: true },
    createdAt: { type: "number", required: true, readOnly: true },
  },
  indexes: {
    byName: {
      pk: { field: "pk", composite: ["name"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
  },
} as const;

export const createPepperEntity = (config: EntityConfiguration) => new Entity(pepperSchema, config);
export type PepperItem = EntityItem<ReturnType<typeof createPepperEntity>>;
