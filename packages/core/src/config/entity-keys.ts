// The partition key values that each ElectroDB entity writes, as IAM `StringLike` patterns: what
// `dynamodb:LeadingKeys` conditions match (DESIGN §2). ElectroDB builds a key as
// `$<service>#<attribute>_<value>#...`; db/entity-keys.test.ts checks every pattern here against
// the keys the entities really build, so a renamed attribute or index fails a test, not a deploy.
//
// Prefix overlaps to keep in mind: an idempotency key ("$coffer#tokenId_<id>#idempotencyKey_<k>")
// starts like a token ("$coffer#tokenId_<id>"). The token pattern therefore also matches
// idempotency items, but not the other way round: token ids are base64url and never hold "#", so
// the idempotency pattern can never name a token item.
// Pure data: infra imports it.

export const entityKeys = {
  token: { table: "$coffer#tokenId_*", gsi1: "$coffer" },
  // A record's key starts with its namespace (the token's tenant); gsi1 lists one namespace's records.
  record: { table: "$coffer#namespace_*#recordId_*", gsi1: "$coffer#namespace_*" },
  idempotency: { table: "$coffer#tokenId_*#idempotencyKey_*" },
  bin: { table: "$coffer#binId_*" },
  rateLimit: { table: "$coffer#action_*#subjectHash_*#windowStart_*" },
  pepper: { table: "$coffer#name_*" },
  nonce: { table: "$coffer#nonce_*" },
  requestLink: { table: "$coffer#requestId_*", gsi1: "$coffer#ownerTokenId_*" },
  key: { table: "$coffer#keyName_*" },
  // An audit event and its chain's head share the chain's partition ("tokens", "key:<name>").
  audit: { table: "$coffer#chain_*" },
  chainHead: { table: "$coffer#chain_*" },
  campaign: { table: "$coffer#campaignId_*" },
  // Usage counters, one partition per key ("key:<name>") or token ("token:<id>").
  usage: { table: "$coffer#usageOf_*" },
  // Refusal counters and the sampled refusal log: one fixed partition each.
  refusalCount: { table: "$coffer#refusalTally_refusals" },
  refusalSample: { table: "$coffer#refusalLog_refusals" },
} as const satisfies Record<string, { table: string } & Record<string, string>>;

export type EntityName = keyof typeof entityKeys;
/** "table" for the table's own partition key, else a global index's name. */
export type EntityIndex<E extends EntityName = EntityName> = keyof (typeof entityKeys)[E];
