import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

// The one table, described once. Infra builds the deployed table from this shape, and the local
// runner and the tests create theirs from it, so local and cloud keys cannot drift apart.
export const tableShape = {
  partitionKey: "pk",
  sortKey: "sk",
  globalIndexes: { gsi1: { partitionKey: "gsi1pk", sortKey: "gsi1sk" } },
  /** Epoch seconds. DynamoDB deletes expired items within ~48 h, so every read checks it too. */
  ttlAttribute: "expiresAt",
} as const;

export function createTableInput(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, globalIndexes } = tableShape;
  const keyAttributes = [
    partitionKey,
    sortKey,
    ...Object.values(globalIndexes).flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: keyAttributes.map((name) => ({ AttributeName: name, AttributeType: "S" })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: "HASH" },
      { AttributeName: sortKey, KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: Object.entries(globalIndexes).map(([name, index]) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: "HASH" },
        { AttributeName: index.sortKey, KeyType: "RANGE" },
      ],
      Projection: { ProjectionType: "ALL" },
    })),
  };
}
