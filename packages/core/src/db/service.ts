import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Service } from "electrodb";
import { createBinEntity } from "./bin";
import { createIdempotencyEntity } from "./idempotency";
import { createRateLimitEntity } from "./rate-limit";
import { createRecordEntity } from "./record";
import { createTokenEntity } from "./token";

// Entities are built per table (not module singletons) so that tests can hold several tables in
// one process without the entities pointing at whichever was configured last.
export function createDb({ client, table }: { client: DynamoDBDocumentClient; table: string }) {
  const config = { client, table };
  const entities = {
    token: createTokenEntity(config),
    record: createRecordEntity(config),
    idempotency: createIdempotencyEntity(config),
    bin: createBinEntity(config),
    rateLimit: createRateLimitEntity(config),
  };
  const service = new Service(entities, config);
  return { entities, service, table };
}

export type Db = ReturnType<typeof createDb>;
