import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

// A rewrap campaign (DESIGN §7): moves every record of a key below `targetVersion` to it, in
// bounded steps. `cursor` is the checkpoint (the table scan's last evaluated key, as JSON) and
// `stepSeq` numbers the checkpoints: a step commits its counts only if nobody committed since it
// read the campaign, so a step that ran twice (a retried invocation) never counts twice.
export const campaignSchema = {
  model: { entity: "campaign", service: "coffer", version: "1" },
  attributes: {
    campaignId: { type: "string", required: true, readOnly: true },
    keyName: { type: "string", required: true, readOnly: true },
    targetVersion: { type: "number", required: true, readOnly: true },
    /** Raise the key's minimum decryption version to targetVersion on a clean finish. */
    raiseMinOnCompletion: { type: "boolean", required: true, readOnly: true },
    status: { type: ["counting", "rewrapping", "completed"] as const, required: true },
    cursor: { type: "string" },
    stepSeq: { type: "number", required: true },
    /** Records of the key found by the counting pass (the denominator of progress). */
    total: { type: "number", required: true },
    rewrapped: { type: "number", required: true },
    alreadyCurrent: { type: "number", required: true },
    gone: { type: "number", required: true },
    failures: { type: "number", required: true },
    /** A few failed record ids and reasons, for the operator; never envelope bytes. */
    failureSamples: { type: "list", items: { type: "string" } },
    /** Epoch ms. Steps wait until then, so every instance has seen the new version (ring bound). */
    notBefore: { type: "number", required: true, readOnly: true },
    startedAt: { type: "number", required: true, readOnly: true },
    rewrapStartedAt: { type: "number" },
    updatedAt: { type: "number", required: true },
    finishedAt: { type: "number" },
    minRaised: { type: "boolean" },
  },
  indexes: {
    byId: {
      pk: { field: "pk", composite: ["campaignId"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
  },
} as const;

export const createCampaignEntity = (config: EntityConfiguration) => new Entity(campaignSchema, config);
export type CampaignEntity = ReturnType<typeof createCampaignEntity>;
export type CampaignItem = EntityItem<CampaignEntity>;
