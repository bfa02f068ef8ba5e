import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { addDeadline, type AwsClientOptions, awsClientConfig, defaultTimeouts } from "../aws-client";
import { tableShape } from "../config";
import { createTableInput } from "./table";

export type DynamoClientOptions = AwsClientOptions;

/** Timeouts and retries come from the function's time budget (aws-client), like KMS's. */
export function createDynamoClient(options: DynamoClientOptions = {}): DynamoDBClient {
  const timeouts = options.timeouts ?? defaultTimeouts;
  return addDeadline(new DynamoDBClient(awsClientConfig({ ...options, timeouts })), timeouts.deadlineMs);
}

export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  // Binary attributes come back as Uint8Array; undefined members are simply left out.
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Creates the table from the shared shape (and its TTL), unless it already exists. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: tableShape.ttlAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

/** A cheap real round trip to the table, for health checks. */
export async function pingTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new DescribeTableCommand({ TableName: tableName }));
}
