import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { tableShape } from "../config";
import { createTableInput } from "./table";

export interface DynamoClientOptions {
  /** Only for DynamoDB Local; in AWS the SDK resolves it (or reads AWS_ENDPOINT_URL_DYNAMODB). */
  endpoint?: string;
  region?: string;
  maxAttempts?: number;
  requestTimeoutMs?: number;
  /** Tests on a busy machine lengthen it; production keeps 1 s, to fail over fast. */
  connectionTimeoutMs?: number;
}

export function createDynamoClient(options: DynamoClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.region ? { region: options.region } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 1_000,
      requestTimeout: options.requestTimeoutMs ?? 3_000,
      throwOnRequestTimeout: true,
    },
  });
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
