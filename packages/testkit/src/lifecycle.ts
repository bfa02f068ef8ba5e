// One "function instance" of the key lifecycle on real local parts: its own key ring (with its own
// staleness window), envelope crypto and caches, over a shared table and KMS emulator. Two of these
// are two warm Lambda instances.
import type { Clock } from "@coffer/core/clock";
import { dataKeyNames } from "@coffer/core/config";
import { createEnvelopeCrypto } from "@coffer/core/crypto";
import { createDataKeyService } from "@coffer/core/data-keys";
import type { AppendedHead, AuditActor, Db } from "@coffer/core/db";
import { createCampaigns, createKeyLifecycle, createTableKeyRing } from "@coffer/core/keys";
import { createRecordService } from "@coffer/core/records";
import type { EmulatedKms } from "./emulated-kms";

export const testActor: AuditActor = { tokenId: "t-admin", namespace: "ops", requestId: "req-test" };

export function lifecycleInstance({
  db,
  kms,
  clock,
  stalenessMs = 1_000,
}: {
  db: Db;
  kms: EmulatedKms;
  clock: Clock;
  stalenessMs?: number;
}) {
  const kmsKeyIds = Object.fromEntries(
    dataKeyNames.map((name) => [name, (kms.keys as Record<string, { alias: string }>)[name]!.alias]),
  );
  const heads: AppendedHead[] = [];
  const onAuditAppended = (head: AppendedHead) => void heads.push(head);
  const ring = createTableKeyRing({ db, clock, kmsKeyIds, stalenessMs });
  const crypto = createEnvelopeCrypto({ kms: kms.kms, clock, keys: ring });
  const lifecycle = createKeyLifecycle({ db, kms: kms.kms, clock, ring, kmsKeyIds, onAuditAppended });
  const campaigns = createCampaigns({
    db,
    crypto,
    clock,
    lifecycle,
    ringStalenessMs: stalenessMs,
    onAuditAppended,
  });
  const records = createRecordService({ db, crypto, clock });
  const dataKeys = createDataKeyService({ kms: kms.kms, keyIds: kmsKeyIds, ring });
  return { ring, crypto, lifecycle, campaigns, records, dataKeys, heads };
}

export type LifecycleInstance = ReturnType<typeof lifecycleInstance>;
