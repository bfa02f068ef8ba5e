import { randomUUID } from "node:crypto";
import { DeleteTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { inject } from "vitest";
import { manualClock, type ManualClock } from "../clock";
import { createDb, createDocumentClient, createDynamoClient, type Db, ensureTable } from "../db";

export const localCredentials = { accessKeyId: "local", secretAccessKey: "local" };

/** A DynamoDB client for the test run's DynamoDB Local (started once by the global setup). */
export function testDynamoClient(options: { maxAttempts?: number } = {}): DynamoDBClient {
  process.env.AWS_ACCESS_KEY_ID ??= localCredentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= localCredentials.secretAccessKey;
  return createDynamoClient({ endpoint: inject("dynamoEndpoint"), region: "us-east-1", ...options });
}

export interface TestTable {
  db: Db;
  dynamo: DynamoDBClient;
  tableName: string;
  drop(): Promise<void>;
}

/** A fresh, randomly named table built from the same shape that infra deploys. */
export async function createTestTable(): Promise<TestTable> {
  const dynamo = testDynamoClient();
  const tableName = `t_${randomUUID()}`;
  await ensureTable(dynamo, tableName);
  const db = createDb({ client: createDocumentClient(dynamo), table: tableName });
  return {
    db,
    dynamo,
    tableName,
    drop: async () => {
      await dynamo.send(new DeleteTableCommand({ TableName: tableName })).catch(() => {});
      dynamo.destroy();
    },
  };
}

/**
 * A manual clock that starts at the current wall-clock second. The table has TTL on, and DynamoDB
 * Local deletes items whose `expiresAt` lies in the real past at any moment, so a test that stores
 * expiring items must keep them in the real future or they vanish mid-test.
 */
export const tableClock = (): ManualClock => manualClock(Math.floor(Date.now() / 1000) * 1000);
