import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

// A request link (`/r/<requestId>#<secret>`): a person who holds the link may seal a secret to the
// service, and it lands as a record of the requester. Only the SHA-256 of the link secret is
// stored. Submissions are counted by a conditional ADD in the same transaction as the record.
export const requestLinkSchema = {
  model: { entity: "requestLink", service: "coffer", version: "1" },
  attributes: {
    requestId: { type: "string", required: true, readOnly: true },
    /** The token that made the link: its owner, and the only one that lists it. */
    ownerTokenId: { type: "string", required: true, readOnly: true },
    /** The owner token's namespace: submissions land as records there (absent: "default"). */
    ownerNamespace: { type: "string", readOnly: true },
    secretHash: { type: "string", required: true, readOnly: true },
    /** Shown to the sender: who asks, and for what. */
    note: { type: "string", required: true, readOnly: true },
    keyName: { type: "string", required: true, readOnly: true },
    maxSubmissions: { type: "number", required: true, readOnly: true },
    submissions: { type: "number", required: true, default: 0 },
    /** The records the submissions became, for the requester. */
    recordIds: { type: "list", items: { type: "string" }, required: true, default: () => [] },
    createdAt: { type: "number", required: true, readOnly: true },
    /** Epoch seconds: the link refuses submissions from then on, and the TTL removes it later. */
    expiresAt: { type: "number", required: true, readOnly: true },
  },
  indexes: {
    byId: {
      pk: { field: "pk", composite: ["requestId"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
    byOwner: {
      index: "gsi1",
      pk: { field: "gsi1pk", composite: ["ownerTokenId"], casing: "none" },
      sk: { field: "gsi1sk", composite: ["createdAt", "requestId"], casing: "none" },
    },
  },
} as const;

export const createRequestLinkEntity = (config: EntityConfiguration) => new Entity(requestLinkSchema, config);
export type RequestLinkItem = EntityItem<ReturnType<typeof createRequestLinkEntity>>;
