import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, expect, test } from "vitest";
import { manualClock } from "@coffer/core/clock";
import { keyCatalog } from "@coffer/core/config";
import type { Kms } from "@coffer/core/kms";
import { createServices, type Ports } from "./services";

// Nothing here reaches AWS: building the services only wires them, and the assertions below are
// about what happens before the first call.
const dynamo = new DynamoDBClient({ region: "us-east-1", endpoint: "http://127.0.0.1:1" });
afterAll(() => dynamo.destroy());

const allKeyIds = Object.fromEntries(
  Object.keys(keyCatalog).map((name) => [name, `arn:aws:kms:us-east-1:000000000000:key/${name}`]),
);

const ports = (keyIds: Record<string, string>): Ports => ({
  kms: {} as Kms,
  dynamo,
  tableName: "coffer-test",
  clock: manualClock(),
  stage: "test",
  version: "0.0.0",
  keyIds,
  sealKeyId: "arn:aws:kms:us-east-1:000000000000:key/seal",
});

test("the services build when the link names a key id for every catalog key", () => {
  expect(() => createServices(ports(allKeyIds))).not.toThrow();
});

test("a catalog key missing from the link fails at construction, naming the key", () => {
  const { bins: _bins, default: _default, ...rest } = allKeyIds;
  expect(() => createServices(ports(rest))).toThrow(
    'The Keys link has no KMS key id for "default", "bins". infra/kms.ts links every catalog key',
  );
});

test("an empty key id counts as missing", () => {
  expect(() => createServices(ports({ ...allKeyIds, pii: "" }))).toThrow('no KMS key id for "pii"');
});
