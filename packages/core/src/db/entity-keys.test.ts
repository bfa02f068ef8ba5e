import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { expect, test } from "vitest";
import { entityKeys } from "../config";
import { createDocumentClient } from "./clients";
import { createDb } from "./service";

// IAM's StringLike: "*" matches any run of characters, everything else itself.
const matches = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  ).test(value);

const { entities } = createDb({
  client: createDocumentClient(new DynamoDBClient({ region: "us-east-1" })),
  table: "t",
});
type Params = { Key?: Record<string, string>; ExpressionAttributeValues?: Record<string, string> };
const pkOf = (params: Params) => params.Key!.pk!;

// The keys ElectroDB really builds (params() sends nothing), for ids with letters of both cases.
const built = {
  token: pkOf(entities.token.get({ tokenId: "Tok_1d" }).params()),
  record: pkOf(entities.record.get({ namespace: "Team-A_1", recordId: "Rec-1D" }).params()),
  idempotency: pkOf(entities.idempotency.get({ tokenId: "Tok_1d", idempotencyKey: "k-1" }).params()),
  bin: pkOf(entities.bin.get({ binId: "Bin_1D" }).params()),
  rateLimit: pkOf(
    entities.rateLimit.get({ action: "bins.create", subjectHash: "aB", windowStart: 60 }).params(),
  ),
  pepper: pkOf(entities.pepper.get({ name: "bins/rate-limit" }).params()),
  nonce: pkOf(entities.nonce.get({ nonce: "Nonce-1d_" }).params()),
  requestLink: pkOf(entities.requestLink.get({ requestId: "Req_1D" }).params()),
  key: pkOf(entities.key.get({ keyName: "pii" }).params()),
  audit: pkOf(entities.audit.get({ chain: "key:pii", seq: 7 }).params()),
  chainHead: pkOf(entities.chainHead.get({ chain: "tokens" }).params()),
  campaign: pkOf(entities.campaign.get({ campaignId: "Camp_1D-x" }).params()),
  usage: pkOf(entities.usage.get({ usageOf: "token:Tok_1d", period: "all", version: 0 }).params()),
  refusalCount: pkOf(
    entities.refusalCount
      .get({ refusalTally: "refusals", hour: "2026-12-01T10", namespace: "Team-a", reason: "x" })
      .params(),
  ),
  refusalSample: pkOf(
    entities.refusalSample
      .get({ refusalLog: "refusals", minute: "2026-12-01T10:00", namespace: "a", reason: "x", slot: 0 })
      .params(),
  ),
};

// Pairs whose patterns match each other's keys on purpose: an idempotency key starts like its
// token's; an audit chain's events and its head share the chain's partition.
const overlaps: Partial<Record<keyof typeof built, string[]>> = {
  token: ["idempotency"],
  audit: ["chainHead"],
  chainHead: ["audit"],
};

test.each(Object.keys(built) as (keyof typeof built)[])(
  "%s: the pattern matches the keys it builds",
  (entity) => {
    expect(
      matches(entityKeys[entity].table, built[entity]),
      `${entityKeys[entity].table} vs ${built[entity]}`,
    ).toBe(true);
  },
);

test("each pattern matches its own entity's keys and no other's, except the documented overlaps", () => {
  for (const [entity, pattern] of Object.entries(entityKeys)) {
    const others = Object.entries(built).filter(
      ([other]) => other !== entity && matches(pattern.table, built[other as keyof typeof built]),
    );
    expect(others.map(([other]) => other)).toEqual(overlaps[entity as keyof typeof built] ?? []);
  }
});

test("the token list reads gsi1 under the fixed partition key", () => {
  const params = entities.token.query.all({}).params() as Params & { IndexName: string };
  expect(params.IndexName).toBe("gsi1");
  expect(params.ExpressionAttributeValues![":pk"]).toBe(entityKeys.token.gsi1);
});

test("a requester's links are listed from gsi1 under their own token's partition key", () => {
  const params = entities.requestLink.query.byOwner({ ownerTokenId: "Tok_1d" }).params() as Params & {
    IndexName: string;
  };
  expect(params.IndexName).toBe("gsi1");
  const pk = params.ExpressionAttributeValues![":pk"]!;
  expect(matches(entityKeys.requestLink.gsi1, pk), `${entityKeys.requestLink.gsi1} vs ${pk}`).toBe(true);
  // Neither gsi1 pattern names the other's items: the token list cannot read request links, nor
  // the other way round.
  expect(matches(entityKeys.token.gsi1, pk)).toBe(false);
  expect(matches(entityKeys.requestLink.gsi1, entityKeys.token.gsi1)).toBe(false);
});

test("records.list reads gsi1 under the caller's namespace", () => {
  const params = entities.record.query.byNamespace({ namespace: "Team-A_1" }).params() as Params & {
    IndexName: string;
  };
  expect(params.IndexName).toBe("gsi1");
  const pk = params.ExpressionAttributeValues![":pk"]!;
  expect(matches(entityKeys.record.gsi1, pk), `${entityKeys.record.gsi1} vs ${pk}`).toBe(true);
  expect(matches(entityKeys.token.gsi1, pk)).toBe(false);
  expect(matches(entityKeys.requestLink.gsi1, pk)).toBe(false);
});
