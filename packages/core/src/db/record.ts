import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

// A stored envelope. The envelope is kept as binary (no base64 inflation against the 400 KB item
// limit) and is all there is: the plaintext and the data key never reach the table.
export const recordSchema = {
  model: { entity: "record", service: "coffer", version: "1" },
  attributes: {
    recordId: { type: "string", required: true, readOnly: true },
    keyName: { type: "string", required: true },
    envelope: { type: "any", required: true },
    sizeBytes: { type: "number", required: true },
    createdAt: { type: "number", required: true, readOnly: true },
    /** The request link a submission came through; absent for records put by a token. */
    requestId: { type: "string", readOnly: true },
    /** Epoch seconds; absent means the record never expires. */
    expiresAt: { type: "number" },
  },
  indexes: {
    byId: {
      pk: { field: "pk", composite: ["recordId"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
  },
} as const;

export const createRecordEntity = (config: EntityConfiguration) => new Entity(recordSchema, config);
export type RecordEntity = ReturnType<typeof createRecordEntity>;
export type RecordItem = EntityItem<RecordEntity>;
