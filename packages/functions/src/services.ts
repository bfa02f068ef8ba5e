import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Clock } from "@coffer/core/clock";
import { createDb, createDocumentClient, pingTable } from "@coffer/core/db";
import { createHealthService } from "@coffer/core/health";
import type { Kms } from "@coffer/core/kms";
import { createTokenService } from "@coffer/core/tokens";

/** Everything the services need from the outside world; the handler and the tests build it. */
export interface Ports {
  kms: Kms;
  dynamo: DynamoDBClient;
  tableName: string;
  clock: Clock;
  stage: string;
  version: string;
  /** Catalog key name → KMS key id (ARN in AWS, ARN or alias locally). */
  keyIds: Record<string, string>;
}

export function createServices(ports: Ports) {
  const { kms, dynamo, tableName, clock, stage, version, keyIds } = ports;
  const db = createDb({ client: createDocumentClient(dynamo), table: tableName });
  return {
    tokens: createTokenService({ db, clock }),
    health: createHealthService({
      clock,
      stage,
      version,
      probes: {
        kms: () => kms.describeKey(keyIds.default ?? "alias/missing"),
        dynamodb: () => pingTable(dynamo, tableName),
      },
    }),
  };
}

export type Services = ReturnType<typeof createServices>;
