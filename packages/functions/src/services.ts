import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type BinObjects } from "@coffer/core/bin-objects";
import { createBinService } from "@coffer/core/bins";
import type { Clock } from "@coffer/core/clock";
import { dataKeyNames, type KeyName, keyCatalog } from "@coffer/core/config";
import { createAuditService } from "@coffer/core/audit";
import { createEnvelopeCrypto } from "@coffer/core/crypto";
import { type AppendedHead, connectDb, pingTable } from "@coffer/core/db";
import { createEncryptionService } from "@coffer/core/encryption";
import { createHealthService } from "@coffer/core/health";
import { createDataKeyService } from "@coffer/core/data-keys";
import { type Kms, observeKms } from "@coffer/core/kms";
import type { Telemetry } from "@coffer/core/telemetry";
import {
  createCampaigns,
  createKeyLifecycle,
  createRecordsBelowVersion,
  createTableKeyRing,
} from "@coffer/core/keys";
import { createRecordService, createSealedDropService } from "@coffer/core/records";
import { createRequestService } from "@coffer/core/requests";
import { createSealedService } from "@coffer/core/sealed";
import { buildOnFirstUse } from "@coffer/core/lazy";
import { createTokenService } from "@coffer/core/tokens";
import { createUsageMeter, createUsageReports, NO_NAMESPACE } from "@coffer/core/usage";
import { linkNames } from "./links";

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
  /** The RSA seal key's id (DESIGN §5). */
  sealKeyId: string;
  /** How long an instance trusts its copy of a key's state; 1 s unless a test says otherwise. */
  keyRingStalenessMs?: number;
  /** The bucket for large bin contents. */
  binObjects?: BinObjects;
  /** How often an instance flushes its usage counters at most; 1 s unless a test says otherwise. */
  usageFlushIntervalMs?: number;
  /** Told of KMS calls and key-cache lookups (the handler adapts it to Powertools); silent when absent. */
  telemetry?: Telemetry;
}

/**
 * Each audit append's new chain head goes to the structured log, so a table rolled back to an
 * older state shows against the logs (DESIGN §7). Hashes and ids only: nothing secret.
 */
export function logAuditHead(head: AppendedHead): void {
  console.log(JSON.stringify({ level: "info", event: "audit_head", ...head }));
}

/** Each service is built on first use, so a function builds only what its procedures touch. */
export function createServices(ports: Ports) {
  const { dynamo, tableName, clock, stage, version, telemetry } = ports;
  const kms = telemetry ? observeKms(ports.kms, { telemetry, clock }) : ports.kms;
  const keyIds = catalogKeyIds(ports.keyIds);
  const { db } = connectDb({ dynamo, table: tableName });
  const dataKeyIds = Object.fromEntries(dataKeyNames.map((name) => [name, keyIds[name]!]));
  // One key ring per instance: what it read of the Key items is trusted for its staleness bound.
  // Building it costs nothing (the Key entity is built on its first read).
  const ring = createTableKeyRing({
    db,
    clock,
    kmsKeyIds: dataKeyIds,
    ...(ports.keyRingStalenessMs !== undefined ? { stalenessMs: ports.keyRingStalenessMs } : {}),
  });
  // One meter per instance: it holds the counts between flushes (building it costs nothing).
  const usage = createUsageMeter({
    db,
    clock,
    ...(ports.usageFlushIntervalMs !== undefined ? { flushIntervalMs: ports.usageFlushIntervalMs } : {}),
  });
  const shared = buildOnFirstUse({
    // One envelope crypto per instance: its data-key caches are what keep KMS calls rare.
    crypto: () => createEnvelopeCrypto({ kms, clock, keys: ring, usage, telemetry }),
    lifecycle: () =>
      createKeyLifecycle({
        db,
        kms,
        clock,
        ring,
        kmsKeyIds: dataKeyIds,
        onAuditAppended: logAuditHead,
      }),
    // One per instance: it caches the seal key's public half.
    sealed: () => createSealedService({ kms, db, clock, sealKeyId: ports.sealKeyId }),
  });
  return buildOnFirstUse({
    tokens: () => createTokenService({ db, clock, onAuditAppended: logAuditHead }),
    keys: () => shared.lifecycle,
    campaigns: () =>
      createCampaigns({
        db,
        crypto: shared.crypto,
        clock,
        lifecycle: shared.lifecycle,
        ringStalenessMs: ring.stalenessMs,
        onAuditAppended: logAuditHead,
      }),
    audit: () => createAuditService({ db }),
    usage: () => usage,
    usageReports: () => createUsageReports({ db, clock }),
    recordsBelowVersion: () => createRecordsBelowVersion({ db }),
    dataKeys: () => createDataKeyService({ kms, keyIds: dataKeyIds, ring, usage }),
    encryption: () => createEncryptionService({ crypto: shared.crypto }),
    records: () => createRecordService({ db, crypto: shared.crypto, clock }),
    sealed: () => shared.sealed,
    drops: () => createSealedDropService({ db, crypto: shared.crypto, clock, sealed: shared.sealed }),
    requests: () => createRequestService({ db, crypto: shared.crypto, clock, sealed: shared.sealed }),
    bins: () =>
      createBinService({
        db,
        kms,
        clock,
        keyId: keyIds.bins,
        objects: ports.binObjects,
        // Bins have no token, so burns are logged under no namespace.
        onBurned: ({ reason, procedure, requestId }) =>
          usage.countRefusal({
            namespace: NO_NAMESPACE,
            reason,
            procedure,
            requestId: requestId ?? "",
          }),
      }),
    health: () =>
      createHealthService({
        clock,
        stage,
        version,
        probes: {
          kms: () => kms.describeKey(keyIds.default),
          dynamodb: () => pingTable(dynamo, tableName),
        },
      }),
  });
}

export type Services = ReturnType<typeof createServices>;

/**
 * The KMS key id of every catalog key. A key missing from the link is a deploy bug: refuse to start,
 * with a message that names it, rather than answer some requests later with a KMS error about a key
 * that does not exist.
 */
function catalogKeyIds(linked: Record<string, string>): Record<string, string> & Record<KeyName, string> {
  const missing = Object.keys(keyCatalog).filter((name) => !linked[name]);
  if (missing.length > 0) {
    throw new Error(
      `The ${linkNames.keys} link has no KMS key id for ${missing.map((name) => `"${name}"`).join(", ")}. ` +
        "infra/kms.ts links every catalog key: deploy again from the current infra.",
    );
  }
  return linked as Record<string, string> & Record<KeyName, string>;
}
