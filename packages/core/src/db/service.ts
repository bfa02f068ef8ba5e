import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Service } from "electrodb";
import { buildOnFirstUse } from "../lazy";
import { createAuditEntity, createChainHeadEntity } from "./audit";
import { createBinEntity } from "./bin";
import { createCampaignEntity } from "./campaign";
import { createDocumentClient, createDynamoClient, type DynamoClientOptions } from "./clients";
import { createIdempotencyEntity } from "./idempotency";
import { createKeyEntity } from "./key";
import { createNonceEntity } from "./nonce";
import { createPepperEntity } from "./pepper";
import { createRateLimitEntity } from "./rate-limit";
import { createRecordEntity } from "./record";
import { createRequestLinkEntity } from "./request-link";
import { createTokenEntity } from "./token";
import { createRefusalCountEntity, createRefusalSampleEntity, createUsageEntity } from "./usage";

// Entities are built per table (not module singletons) so that tests can hold several tables in
// one process without the entities pointing at whichever was configured last, and on first use,
// so that a function builds only the entities its requests touch.
export function createDb({ client, table }: { client: DynamoDBDocumentClient; table: string }) {
  const config = { client, table };
  const entities = buildOnFirstUse({
    token: () => createTokenEntity(config),
    record: () => createRecordEntity(config),
    idempotency: () => createIdempotencyEntity(config),
    bin: () => createBinEntity(config),
    rateLimit: () => createRateLimitEntity(config),
    pepper: () => createPepperEntity(config),
    nonce: () => createNonceEntity(config),
    requestLink: () => createRequestLinkEntity(config),
    key: () => createKeyEntity(config),
    audit: () => createAuditEntity(config),
    chainHead: () => createChainHeadEntity(config),
    campaign: () => createCampaignEntity(config),
    usage: () => createUsageEntity(config),
    refusalCount: () => createRefusalCountEntity(config),
    refusalSample: () => createRefusalSampleEntity(config),
  });
  return buildOnFirstUse({
    entities: () => entities,
    /**
     * For transactions, which span these entities: records.put with an idempotency key, a request
     * link's submission (the record with the link's count), and every admin change with its audit
     * event and chain head (audit-append.ts).
     */
    service: () =>
      new Service(
        {
          record: entities.record,
          idempotency: entities.idempotency,
          requestLink: entities.requestLink,
          token: entities.token,
          key: entities.key,
          campaign: entities.campaign,
          audit: entities.audit,
          chainHead: entities.chainHead,
        },
        config,
      ),
    /** For the few raw commands ElectroDB cannot express (a Scan bounded by items read). */
    client: () => client,
    table: () => table,
  });
}

export type Db = ReturnType<typeof createDb>;

/**
 * The one way to get a Db from outside db/: on the DynamoDB client given (a handler's, which also
 * pings the table), or on a new one made from the options (a script's or a test's, which destroys
 * `dynamo` when done).
 */
export function connectDb({
  table,
  dynamo,
  ...options
}: { table: string; dynamo?: DynamoDBClient } & DynamoClientOptions): { db: Db; dynamo: DynamoDBClient } {
  const client = dynamo ?? createDynamoClient(options);
  return { db: createDb({ client: createDocumentClient(client), table }), dynamo: client };
}
