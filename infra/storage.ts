import { limits, tableShape } from "@coffer/core/config";
import { linkNames } from "@coffer/functions/links";
import { stageSettings } from "./lib/stage";

const settings = stageSettings($app.stage);
const { partitionKey, sortKey, globalIndexes, ttlAttribute } = tableShape;

// The table comes from the same shape that the local runner and the tests create theirs from.
export const table = new sst.aws.Dynamo(linkNames.table, {
  fields: Object.fromEntries(
    [partitionKey, sortKey, ...Object.values(globalIndexes).flatMap((i) => [i.partitionKey, i.sortKey])].map(
      (name) => [name, "string" as const],
    ),
  ),
  primaryIndex: { hashKey: partitionKey, rangeKey: sortKey },
  globalIndexes: Object.fromEntries(
    Object.entries(globalIndexes).map(([name, index]) => [
      name,
      { hashKey: index.partitionKey, rangeKey: index.sortKey },
    ]),
  ),
  ttl: ttlAttribute,
  deletionProtection: settings.deletionProtection,
  transform: {
    table: (args, opts) => {
      args.pointInTimeRecovery = { enabled: settings.pointInTimeRecovery };
      Object.assign(opts, settings.dataResourceOptions);
    },
  },
});

// The functions read the table's name through the link, and nothing else: SST's own Dynamo link
// grants dynamodb:* on the table and its indexes. Their DynamoDB rights come from the route table
// (infra/lib/dynamo-policies.ts).
sst.Linkable.wrap(sst.aws.Dynamo, (dynamo) => ({ properties: { name: dynamo.name } }));

// Large bin contents (ciphertext only; DESIGN §6). The browser uploads and downloads them itself
// through presigned URLs that the api function signs after its checks; a burn, a delete or an update
// removes the object at once. The lifecycle rule is the backstop for an object whose bin expired or
// whose last reader never reported back: nothing outlives the longest expiry by more than a day.
export const binObjects = new sst.aws.Bucket(linkNames.binObjects, {
  cors: {
    allowOrigins: ["*"],
    allowMethods: ["GET", "PUT"],
    allowHeaders: ["content-type"],
    maxAge: "600 seconds",
  },
  lifecycle: [
    {
      id: "bins-backstop",
      prefix: "bins/",
      expiresIn: `${Math.ceil(limits.maxBinExpirySeconds / 86_400) + 1} days`,
    },
  ],
});
