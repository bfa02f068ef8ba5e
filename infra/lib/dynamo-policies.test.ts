import { describe, expect, test } from "vitest";
import { entityKeys } from "@coffer/core/config";
import {
  dynamoCapabilitiesOf,
  type FunctionName,
  functionNames,
  scheduledJobs,
} from "@coffer/functions/routes";
import { type DynamoStatement, dynamoStatements, LEADING_KEYS } from "./dynamo-policies";

const arns = { table: "arn:table/t", index: (name: string) => `arn:table/t/index/${name}` };
const policyOf = (fn: FunctionName) => dynamoStatements(dynamoCapabilitiesOf(fn), arns);

/** (action, resource, pattern) triples, the unit IAM decides on. */
const grants = (statements: DynamoStatement<string>[]) =>
  statements.flatMap((s) =>
    s.actions.flatMap((action) =>
      s.resources.flatMap((resource) => {
        const patterns = s.conditions?.find((c) => c.variable === LEADING_KEYS)?.values ?? ["(any item)"];
        return patterns.map((pattern) => `${action} ${resource} ${pattern}`);
      }),
    ),
  );

const WRITES = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"];
// Actions that reconfigure, delete, back up, restore or bulk-read the table: no function has them
// (key maintenance may Scan, for its rewrap campaigns, and the admin function, for its count of the
// records below a version; see the last test).
const TABLE_ADMIN = [
  "dynamodb:*",
  "dynamodb:DeleteTable",
  "dynamodb:UpdateTable",
  "dynamodb:UpdateContinuousBackups",
  "dynamodb:CreateBackup",
  "dynamodb:DeleteBackup",
  "dynamodb:RestoreTableFromBackup",
  "dynamodb:RestoreTableToPointInTime",
  "dynamodb:UpdateTimeToLive",
  "dynamodb:Scan",
  "dynamodb:PartiQLSelect",
  "dynamodb:PartiQLUpdate",
  "dynamodb:PartiQLDelete",
];

describe("DynamoDB policies from the route table", () => {
  // The spec, written out independently of the builder: what each function may do.
  test("each function holds exactly these grants", () => {
    const t = "arn:table/t";
    expect(grants(policyOf("api")).sort()).toEqual(
      [
        `dynamodb:DescribeTable ${t} (any item)`,
        `dynamodb:GetItem ${t} ${entityKeys.token.table}`,
        `dynamodb:GetItem ${t} ${entityKeys.record.table}`,
        `dynamodb:GetItem ${t} ${entityKeys.idempotency.table}`,
        `dynamodb:GetItem ${t} ${entityKeys.bin.table}`,
        `dynamodb:GetItem ${t} ${entityKeys.pepper.table}`,
        // The key ring reads a key's state and versions.
        `dynamodb:GetItem ${t} ${entityKeys.key.table}`,
        `dynamodb:PutItem ${t} ${entityKeys.record.table}`,
        `dynamodb:PutItem ${t} ${entityKeys.idempotency.table}`,
        `dynamodb:PutItem ${t} ${entityKeys.bin.table}`,
        `dynamodb:PutItem ${t} ${entityKeys.pepper.table}`,
        `dynamodb:UpdateItem ${t} ${entityKeys.bin.table}`,
        `dynamodb:UpdateItem ${t} ${entityKeys.rateLimit.table}`,
        `dynamodb:DeleteItem ${t} ${entityKeys.record.table}`,
        `dynamodb:DeleteItem ${t} ${entityKeys.bin.table}`,
        // Sealed input (records.putSealed, requests.submit): the nonce claim and its release.
        `dynamodb:PutItem ${t} ${entityKeys.nonce.table}`,
        `dynamodb:DeleteItem ${t} ${entityKeys.nonce.table}`,
        // Request links: made, listed (the caller's own, on gsi1), read and counted by the public page.
        `dynamodb:PutItem ${t} ${entityKeys.requestLink.table}`,
        `dynamodb:GetItem ${t} ${entityKeys.requestLink.table}`,
        `dynamodb:UpdateItem ${t} ${entityKeys.requestLink.table}`,
        `dynamodb:Query ${t}/index/gsi1 ${entityKeys.requestLink.gsi1}`,
        // Any request may carry its instance's usage flush: key and token usage, refusal counts,
        // sampled refusals.
        `dynamodb:UpdateItem ${t} ${entityKeys.usage.table}`,
        `dynamodb:UpdateItem ${t} ${entityKeys.refusalCount.table}`,
        `dynamodb:PutItem ${t} ${entityKeys.refusalSample.table}`,
      ].sort(),
    );
    expect(grants(policyOf("decrypt")).sort()).toEqual(
      [
        `dynamodb:GetItem ${t} ${entityKeys.token.table}`,
        `dynamodb:GetItem ${t} ${entityKeys.record.table}`,
        `dynamodb:GetItem ${t} ${entityKeys.key.table}`,
        // records.list: the caller's namespace's records, on gsi1.
        `dynamodb:Query ${t}/index/gsi1 ${entityKeys.record.gsi1}`,
        // crypto.openSealed claims the payload's nonce, and releases a claim whose payload failed.
        `dynamodb:PutItem ${t} ${entityKeys.nonce.table}`,
        `dynamodb:DeleteItem ${t} ${entityKeys.nonce.table}`,
        `dynamodb:UpdateItem ${t} ${entityKeys.usage.table}`,
        `dynamodb:UpdateItem ${t} ${entityKeys.refusalCount.table}`,
        `dynamodb:PutItem ${t} ${entityKeys.refusalSample.table}`,
      ].sort(),
    );
    expect(grants(policyOf("admin")).sort()).toEqual(
      [
        `dynamodb:DescribeTable ${t} (any item)`,
        `dynamodb:GetItem ${t} ${entityKeys.token.table}`,
        `dynamodb:PutItem ${t} ${entityKeys.token.table}`,
        `dynamodb:UpdateItem ${t} ${entityKeys.token.table}`,
        `dynamodb:Query ${t}/index/gsi1 ${entityKeys.token.gsi1}`,
        // Key lifecycle: a key's item, read, written at version 1 on first need, then patched.
        `dynamodb:GetItem ${t} ${entityKeys.key.table}`,
        `dynamodb:PutItem ${t} ${entityKeys.key.table}`,
        `dynamodb:UpdateItem ${t} ${entityKeys.key.table}`,
        // Every token or key change appends to its audit chain: the head read and moved, the event
        // written (an event and its chain's head share one partition, so one pattern covers both).
        `dynamodb:GetItem ${t} ${entityKeys.chainHead.table}`,
        `dynamodb:PutItem ${t} ${entityKeys.chainHead.table}`,
        `dynamodb:UpdateItem ${t} ${entityKeys.chainHead.table}`,
        `dynamodb:Query ${t} ${entityKeys.audit.table}`,
        // Rewrap campaigns: started (checked against a running one) and followed.
        `dynamodb:GetItem ${t} ${entityKeys.campaign.table}`,
        `dynamodb:PutItem ${t} ${entityKeys.campaign.table}`,
        // Usage read for the console (keys.list, keys.usage: a key's partition; tokens.list: each
        // token's item), refusals read and, as on every function, flushed.
        `dynamodb:Query ${t} ${entityKeys.usage.table}`,
        `dynamodb:GetItem ${t} ${entityKeys.usage.table}`,
        `dynamodb:Query ${t} ${entityKeys.refusalCount.table}`,
        `dynamodb:Query ${t} ${entityKeys.refusalSample.table}`,
        `dynamodb:UpdateItem ${t} ${entityKeys.refusalCount.table}`,
        `dynamodb:PutItem ${t} ${entityKeys.refusalSample.table}`,
        // admin.keys.countRecordsBelowVersion: the records' envelopes, a bounded page per call.
        `dynamodb:Scan ${t} (any item)`,
      ].sort(),
    );
  });

  test("no function holds dynamodb:*, table administration, backups or scans (but admin's count)", () => {
    for (const fn of functionNames)
      for (const statement of policyOf(fn))
        for (const action of statement.actions)
          if (!(fn === "admin" && action === "dynamodb:Scan")) expect(TABLE_ADMIN).not.toContain(action);
  });

  test("every item action is bound to its entities' partition keys", () => {
    for (const fn of functionNames)
      // DescribeTable reads no item; admin's Scan (its count) is checked by the last test.
      for (const statement of policyOf(fn).filter(
        (s) => s.actions[0] !== "dynamodb:DescribeTable" && s.actions[0] !== "dynamodb:Scan",
      )) {
        expect(statement.conditions).toHaveLength(1);
        expect(statement.conditions![0]).toMatchObject({
          test: "ForAllValues:StringLike",
          variable: LEADING_KEYS,
        });
        expect(statement.resources).not.toContain("*");
      }
  });

  test("the api function cannot write a token, and the decrypt function writes only nonce claims and counters", () => {
    const tokenWrites = grants(policyOf("api")).filter(
      (grant) =>
        WRITES.some((w) => grant.startsWith(`${w} `)) && grant.endsWith(` ${entityKeys.token.table}`),
    );
    expect(tokenWrites).toEqual([]);
    const decryptWrites = grants(policyOf("decrypt")).filter((grant) =>
      WRITES.some((w) => grant.startsWith(`${w} `)),
    );
    const counters = [entityKeys.usage, entityKeys.refusalCount, entityKeys.refusalSample].map(
      (k) => k.table,
    );
    expect(
      decryptWrites.every((grant) =>
        [entityKeys.nonce.table, ...counters].some((pattern) => grant.endsWith(` ${pattern}`)),
      ),
    ).toBe(true);
  });

  test("only the indexes a function queries are granted", () => {
    const indexed = (fn: FunctionName) =>
      policyOf(fn)
        .flatMap((s) => s.resources)
        .filter((r) => r.includes("/index/"));
    // api queries gsi1 for a requester's request links only (its pattern is not the token list's).
    expect(indexed("api")).toEqual(["arn:table/t/index/gsi1"]);
    expect(grants(policyOf("api")).filter((grant) => grant.includes("/index/"))).toEqual([
      `dynamodb:Query arn:table/t/index/gsi1 ${entityKeys.requestLink.gsi1}`,
    ]);
    // decrypt queries gsi1 for records.list, under the namespace pattern only.
    expect(grants(policyOf("decrypt")).filter((grant) => grant.includes("/index/"))).toEqual([
      `dynamodb:Query arn:table/t/index/gsi1 ${entityKeys.record.gsi1}`,
    ]);
    expect(indexed("admin")).toEqual(["arn:table/t/index/gsi1"]);
  });

  test("key maintenance (its rewrap campaigns) and admin (its count) alone may Scan, on the table only", () => {
    const statements = dynamoStatements(scheduledJobs.keyMaintenance.dynamo, arns);
    expect(statements.filter((s) => s.actions.includes("dynamodb:Scan"))).toEqual([
      { actions: ["dynamodb:Scan"], resources: ["arn:table/t"] },
    ]);
    for (const fn of functionNames)
      expect(
        policyOf(fn).filter((s) => s.actions.includes("dynamodb:Scan")),
        fn,
      ).toEqual(fn === "admin" ? [{ actions: ["dynamodb:Scan"], resources: ["arn:table/t"] }] : []);
    expect(grants(statements).filter((grant) => grant.startsWith("dynamodb:DeleteItem"))).toEqual([]);
  });
});
