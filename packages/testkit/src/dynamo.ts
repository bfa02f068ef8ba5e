import { randomUUID } from "node:crypto";
import { DeleteTableCommand, type DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { inject } from "vitest";
import { manualClock, type ManualClock } from "@coffer/core/clock";
import { type SdkTimeouts, sdkTimeouts } from "@coffer/core/aws-client";
import { connectDb, createDynamoClient, type Db, ensureTable } from "@coffer/core/db";

export const localCredentials = { accessKeyId: "local", secretAccessKey: "local" };

/**
 * The SDK timeouts of test clients (not of the test stack's handlers, which run on their function's
 * time budget). Production's are short on purpose (under a second per attempt, a 1 s connection
 * timeout to fail over fast); on a machine busy with other work a local round trip, or the
 * emulator making the RSA seal key, can take far longer, and a test's own timeout still bounds it.
 * Tests about time budgets set their own.
 */
export const testRequestTimeoutMs = 20_000;
/** Connecting may take as long as answering: on a loaded machine the accept itself can lag. */
export const testConnectionTimeoutMs = testRequestTimeoutMs;
export const testTimeouts = (overrides: Partial<SdkTimeouts> = {}): SdkTimeouts => ({
  ...sdkTimeouts(10_000), // retries: count and fixed pause as production's
  requestTimeoutMs: testRequestTimeoutMs,
  connectionTimeoutMs: testConnectionTimeoutMs,
  deadlineMs: 60_000,
  ...overrides,
});

/** The test run's DynamoDB Local, which only the integration and e2e projects start. */
export function runDynamoEndpoint(): string {
  const endpoint = inject("dynamoEndpoint");
  if (!endpoint)
    throw new Error(
      "This test needs DynamoDB Local, which the unit project does not start: make it an integration test (see the tier rules in vitest.config.ts).",
    );
  return endpoint;
}

/** A DynamoDB client for the test run's DynamoDB Local (started once by the global setup). */
export function testDynamoClient(options: { maxAttempts?: number } = {}): DynamoDBClient {
  process.env.AWS_ACCESS_KEY_ID ??= localCredentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= localCredentials.secretAccessKey;
  return createDynamoClient({
    endpoint: runDynamoEndpoint(),
    region: "us-east-1",
    // Generous, for a busy machine; production clients keep their short timeouts.
    timeouts: testTimeouts(options),
  });
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
  const { db } = connectDb({ dynamo, table: tableName });
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

/** How many items of each ElectroDB entity the table holds, read straight from it (consistent). */
export async function countItemsByEntity(table: Pick<TestTable, "dynamo" | "tableName">) {
  const counts: Record<string, number> = {};
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.dynamo.send(
      new ScanCommand({
        TableName: table.tableName,
        ConsistentRead: true,
        ExclusiveStartKey: start as never,
      }),
    );
    for (const item of page.Items ?? []) {
      const entity = item.__edb_e__?.S ?? "(not an entity)";
      counts[entity] = (counts[entity] ?? 0) + 1;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return counts;
}

/**
 * A manual clock that starts at the current wall-clock second. The table has TTL on, and DynamoDB
 * Local deletes items whose `expiresAt` lies in the real past at any moment, so a test that stores
 * expiring items must keep them in the real future or they vanish mid-test.
 */
export const tableClock = (): ManualClock => manualClock(Math.floor(Date.now() / 1000) * 1000);
