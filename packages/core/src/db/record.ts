import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

// A stored envelope. The envelope is kept as binary (no base64 inflation against the 400 KB item
// limit) and is all there is: the plaintext and the data key never reach the table.
export const recordSchema = {
  model: { entity: "record", service: "coffer", version: "1" },
  attributes: {
    /** The namespace of the token that wrote it: part of the key, so no other namespace can name it. */
    namespace: { type: "string", required: true, readOnly: true },
    recordId: { type: "string", required: true, readOnly: true },
    keyName: { type: "string", required: true },
    envelope: { type: "any", required: true },
    sizeBytes: { type: "number", required: true },
    createdAt: { type: "number", required: true, readOnly: true },
    /** The request link a submission came through; absent for records put by a token. */
    requestId: { type: "string", readOnly: true },
    /** The rewrap campaign that last moved this record to a new key version, if any. */
    rewrappedBy: { type: "string" },
    /** Epoch seconds; absent means the record never expires. */
    expiresAt: { type: "number" },
  },
  indexes: {
    byId: {
      pk: { field: "pk", composite: ["namespace", "recordId"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
    /** records.list: a namespace's records, newest first (eventually consistent, as GSIs are). */
    byNamespace: {
      index: "gsi1",
      pk: { field: "gsi1pk", composite: ["namespace"], casing: "none" },
      sk: { field: "gsi1sk", composite: ["createdAt", "recordId"], casing: "none" },
    },
  },
} as const;

export const createRecordEntity = (config: EntityConfiguration) => new Entity(recordSchema, config);
export type RecordEntity = ReturnType<typeof createRecordEntity>;
export type RecordItem = EntityItem<RecordEntity>;
