import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

// An API token: only the SHA-256 of its secret is stored. `expiresAt` doubles as the TTL, so an
// expired token disappears on its own; reads check it too because TTL sweeps lag by up to 48 h.
export const tokenSchema = {
  model: { entity: "token", service: "coffer", version: "1" },
  attributes: {
    tokenId: { type: "string", required: true, readOnly: true },
    name: { type: "string", required: true, readOnly: true },
    /** The tenant whose records this token reads and writes; tokens made before namespaces: absent = "default". */
    namespace: { type: "string", readOnly: true },
    secretHash: { type: "string", required: true, readOnly: true },
    scopes: { type: "list", items: { type: "string" }, required: true, readOnly: true },
    /** Key names this token may use; absent means every key of the catalog. */
    keyNames: { type: "list", items: { type: "string" }, readOnly: true },
    createdAt: { type: "number", required: true, readOnly: true },
    /** Epoch seconds. */
    expiresAt: { type: "number" },
    revokedAt: { type: "number" },
  },
  indexes: {
    byId: {
      pk: { field: "pk", composite: ["tokenId"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
    all: {
      index: "gsi1",
      pk: { field: "gsi1pk", composite: [], casing: "none" },
      sk: { field: "gsi1sk", composite: ["createdAt", "tokenId"], casing: "none" },
    },
  },
} as const;

export const createTokenEntity = (config: EntityConfiguration) => new Entity(tokenSchema, config);
export type TokenEntity = ReturnType<typeof createTokenEntity>;
export type TokenItem = EntityItem<TokenEntity>;
