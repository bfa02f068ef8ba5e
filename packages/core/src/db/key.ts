import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

// A catalog key's lifecycle (DESIGN §7): its current version, the minimum version it still
// decrypts, whether it is enabled, and the history of versions, each tied to the KMS rotation it
// follows. A key that has no item yet is at version 1, enabled, minimum 1: the item is written by
// the first admin operation or rotation sync, so the hot path never has to.
export const keySchema = {
  model: { entity: "key", service: "coffer", version: "1" },
  attributes: {
    keyName: { type: "string", required: true, readOnly: true },
    state: { type: ["enabled", "disabled"] as const, required: true },
    currentVersion: { type: "number", required: true },
    minDecryptionVersion: { type: "number", required: true },
    versions: {
      type: "list",
      required: true,
      items: {
        type: "map",
        properties: {
          version: { type: "number", required: true },
          /** Epoch ms when Coffer moved to this version. */
          createdAt: { type: "number", required: true },
          /** "initial", "on_demand" (admin.keys.rotate) or "automatic" (picked up by the sync). */
          source: { type: "string", required: true },
          /** The KMS key material this version follows (ListKeyRotations), when known. */
          kmsKeyMaterialId: { type: "string" },
          /** Epoch ms of that KMS rotation. */
          kmsRotatedAt: { type: "number" },
        },
      },
    },
    /** Epoch ms of the newest KMS rotation already turned into a version (the sync's watermark). */
    kmsRotationsSeenAt: { type: "number", required: true },
    activeCampaignId: { type: "string" },
    /**
     * Bumped by every change; each change is conditional on the revision it read (optimistic
     * locking that, unlike a timestamp, cannot repeat within a millisecond).
     */
    revision: { type: "number", required: true },
    createdAt: { type: "number", required: true, readOnly: true },
    updatedAt: { type: "number", required: true },
  },
  indexes: {
    byName: {
      pk: { field: "pk", composite: ["keyName"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
  },
} as const;

export const createKeyEntity = (config: EntityConfiguration) => new Entity(keySchema, config);
export type KeyEntity = ReturnType<typeof createKeyEntity>;
export type KeyItem = EntityItem<KeyEntity>;
export type KeyVersionItem = KeyItem["versions"][number];
