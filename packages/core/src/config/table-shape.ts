// The one table, described once. Infra builds the deployed table from this shape, and the local
// runner and the tests create theirs from it, so local and cloud keys cannot drift apart.
export const tableShape = {
  partitionKey: "pk",
  sortKey: "sk",
  globalIndexes: { gsi1: { partitionKey: "gsi1pk", sortKey: "gsi1sk" } },
  /** Epoch seconds. DynamoDB deletes expired items within ~48 h, so every read checks it too. */
  ttlAttribute: "expiresAt",
} as const;
