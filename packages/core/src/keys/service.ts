// Key lifecycle (DESIGN §3 admin.keys.*): rotate with KMS, disable/enable, retire old versions,
// and the sync that turns KMS's automatic rotations into versions. Every change is one DynamoDB
// transaction with its audit event on the key's chain (db/audit-append.ts).
import type { Clock } from "../clock";
import { dataKeyNames } from "../config";
import {
  type AppendedHead,
  type AuditActor,
  type Db,
  guard,
  keyChain,
  keyUsageSubject,
  readUsage,
  type KeyItem,
  type KeyVersionItem,
  unlessConditionFails,
  writeAudited,
} from "../db";
import type { AuditDetails } from "../db";
import { CofferError, isCofferError } from "../errors";
import type { Kms, KeyRotation } from "../kms";
import { initialKeyState, type TableKeyRing } from "./key-ring";
import type { KeyNameInput, SetMinDecryptionVersionInput } from "./schemas";

export interface KeyLifecycleDeps {
  db: Db;
  kms: Kms;
  clock: Clock;
  ring: TableKeyRing;
  /** Catalog data key name → KMS key id. */
  kmsKeyIds: Record<string, string>;
  /** Called with the chain's new head after each append; the functions package logs it. */
  onAuditAppended?: (head: AppendedHead) => void;
}

export interface KeySummary {
  keyName: string;
  state: KeyItem["state"];
  currentVersion: number;
  minDecryptionVersion: number;
  versions: KeyVersionItem[];
  activeCampaignId: string | null;
}

/** A version's all-time usage (encrypts, decrypts, plaintext bytes), as the usage meter counted it. */
export interface KeyVersionUsage {
  version: number;
  encrypts: number;
  decrypts: number;
  bytes: number;
}

/** The actor of the scheduled rotation sync, which no token calls. */
export const SYNC_ACTOR = (requestId: string): AuditActor => ({ tokenId: "system:rotation-sync", requestId });

export function createKeyLifecycle(deps: KeyLifecycleDeps) {
  const { db, kms, clock, ring, kmsKeyIds } = deps;

  function kmsKeyIdOf(keyName: string): string {
    const id = kmsKeyIds[keyName];
    if (!id)
      throw new CofferError("not_found", "There is no data key with that name.", { reason: "key_not_found" });
    return id;
  }

  const summarize = (item: KeyItem): KeySummary => ({
    keyName: item.keyName,
    state: item.state,
    currentVersion: item.currentVersion,
    minDecryptionVersion: item.minDecryptionVersion,
    versions: item.versions,
    activeCampaignId: item.activeCampaignId ?? null,
  });

  async function read(keyName: string): Promise<KeyItem | undefined> {
    const { data } = await guard(db.entities.key.get({ keyName }).go({ consistent: true }));
    return data ?? undefined;
  }

  /**
   * The key's item, written on first need at version 1. KMS rotations that happened before it
   * existed are already behind every envelope (all say version 1), so the sync's watermark starts
   * now, and this needs no KMS call.
   */
  async function ensure(keyName: string): Promise<KeyItem> {
    const existing = await read(keyName);
    if (existing) return existing;
    kmsKeyIdOf(keyName);
    const now = clock.now();
    const item = {
      keyName,
      ...initialKeyState,
      versions: [{ version: 1, createdAt: now, source: "initial" }],
      kmsRotationsSeenAt: now,
      revision: 0,
      createdAt: now,
      updatedAt: now,
    };
    await unlessConditionFails(db.entities.key.create(item).go());
    return (await read(keyName))!;
  }

  async function audited(
    item: KeyItem,
    actor: AuditActor,
    action: string,
    details: AuditDetails,
    set: Partial<
      Pick<KeyItem, "state" | "currentVersion" | "minDecryptionVersion" | "versions" | "kmsRotationsSeenAt">
    >,
    conflict: () => CofferError,
  ): Promise<KeySummary> {
    const at = clock.now();
    const head = await writeAudited(
      db,
      { chain: keyChain(item.keyName), action, subject: item.keyName, details, actor, at },
      ({ key }) => [
        key
          .patch({ keyName: item.keyName })
          .set({ ...set, updatedAt: at, revision: item.revision + 1 })
          // Every change is made against the item as read: a concurrent change loses, never merges.
          .where((attr, op) => op.eq(attr.revision, item.revision))
          .commit(),
      ],
      conflict,
    );
    deps.onAuditAppended?.(head);
    ring.invalidate(item.keyName);
    return summarize({ ...item, ...set, updatedAt: at, revision: item.revision + 1 });
  }

  const changedMeanwhile = () =>
    new CofferError("conflict", "The key changed while this operation ran. Read it again and retry.", {
      reason: "key_changed",
    });

  /** Totals per version, in version order; counted within about a second (usage/meter.ts). */
  async function usageOf(keyName: string): Promise<KeyVersionUsage[]> {
    const items = await readUsage(db, keyUsageSubject(keyName), { period: "all" });
    return items
      .map((item) => ({
        version: item.version,
        encrypts: item.encrypts ?? 0,
        decrypts: item.decrypts ?? 0,
        bytes: item.bytes ?? 0,
      }))
      .sort((a, b) => a.version - b.version);
  }

  async function list(): Promise<{ keys: (KeySummary & { usage: KeyVersionUsage[] })[] }> {
    const items = await Promise.all(
      dataKeyNames.map(async (keyName) => {
        const [item, usage] = await Promise.all([read(keyName), usageOf(keyName)]);
        return { keyName, item, usage };
      }),
    );
    return {
      keys: items.map(({ keyName, item, usage }) => ({
        ...(item ? summarize(item) : { keyName, ...initialKeyState, versions: [], activeCampaignId: null }),
        usage,
      })),
    };
  }

  const rotationConflict = () =>
    new CofferError(
      "conflict",
      "Another change to this key (such as a rotation) finished first. Read it again.",
      {
        reason: "rotation_conflict",
      },
    );

  /**
   * Rotates the KMS key on demand and moves the current version forward by one. Of concurrent
   * rotations exactly one makes the new version; the others answer CONFLICT (their KMS rotation
   * is absorbed: a version names whichever KMS material was newest when it was made). The rotation
   * sync may record this rotation's KMS material between the KMS call and the write (it runs on a
   * schedule and reads the same ListKeyRotations): then the rotation did happen, and rotate says so.
   */
  async function rotate({ keyName }: KeyNameInput, actor: AuditActor): Promise<KeySummary> {
    const item = await ensure(keyName);
    if (item.state !== "enabled")
      throw new CofferError("key_unusable", "Enable the key before rotating it.", { reason: "key_disabled" });
    const kmsKeyId = kmsKeyIdOf(keyName);
    await kms.rotateKeyOnDemand(kmsKeyId);
    const latest = (await kms.listKeyRotations(kmsKeyId)).at(-1);
    const version = item.currentVersion + 1;
    const entry = versionEntry(version, clock.now(), "on_demand", latest);
    try {
      return await audited(
        item,
        actor,
        "key.rotate",
        {
          fromVersion: item.currentVersion,
          toVersion: version,
          kmsKeyMaterialId: latest?.keyMaterialId ?? null,
        },
        {
          currentVersion: version,
          versions: [...item.versions, entry],
          kmsRotationsSeenAt: Math.max(item.kmsRotationsSeenAt, latest?.rotatedAt ?? 0),
        },
        rotationConflict,
      );
    } catch (error) {
      if (!latest || !isCofferError(error, "conflict") || error.reason !== "rotation_conflict") throw error;
      const recorded = await auditRotationRecordedBySync(item, latest, actor);
      if (!recorded) throw error;
      return recorded;
    }
  }

  /**
   * After a rotate lost its write: if the version holding its KMS material was written by the
   * rotation sync (not by another rotate: that is a real conflict), the rotation happened and is
   * recorded, so the rotate's own audit event is appended (who asked, and that the sync recorded
   * it) and the key as it now stands is the answer. Undefined when that is not what happened.
   */
  async function auditRotationRecordedBySync(
    before: KeyItem,
    rotation: KeyRotation,
    actor: AuditActor,
  ): Promise<KeySummary | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = (await read(before.keyName))!;
      const recorded = now.versions.find((v) => v.kmsKeyMaterialId === rotation.keyMaterialId);
      if (!recorded) return undefined;
      const { data: events } = await guard(
        db.entities.audit.query.byChain({ chain: keyChain(before.keyName) }).go({ order: "desc", limit: 20 }),
      );
      const bySync = events.find((event) => {
        const details = event.details as { fromVersion?: number; toVersion?: number };
        return (
          event.action === "key.sync_rotations" &&
          (details.fromVersion ?? Infinity) < recorded.version &&
          recorded.version <= (details.toVersion ?? -Infinity)
        );
      });
      if (!bySync) return undefined;
      try {
        return await audited(
          now,
          actor,
          "key.rotate",
          {
            fromVersion: before.currentVersion,
            toVersion: recorded.version,
            kmsKeyMaterialId: rotation.keyMaterialId,
            recordedBySyncEvent: bySync.seq,
          },
          {},
          changedMeanwhile,
        );
      } catch (error) {
        // Another change landed between the read and this event: read again.
        if (!isCofferError(error, "conflict") || error.reason !== "key_changed") throw error;
      }
    }
    throw changedMeanwhile();
  }

  /**
   * Picks up KMS's automatic rotations (and any made outside Coffer): one new version for each
   * rotation newer than the watermark. Run on a schedule (infra/campaigns.ts, the local runner).
   */
  async function syncRotations(keyName: string, requestId: string): Promise<KeySummary> {
    const item = await ensure(keyName);
    const rotations = await kms.listKeyRotations(kmsKeyIdOf(keyName));
    const fresh = rotations.filter((rotation) => rotation.rotatedAt > item.kmsRotationsSeenAt);
    if (fresh.length === 0) return summarize(item);
    const now = clock.now();
    const versions = fresh.map((rotation, i) =>
      versionEntry(
        item.currentVersion + 1 + i,
        now,
        rotation.type === "AUTOMATIC" ? "automatic" : "on_demand",
        rotation,
      ),
    );
    const currentVersion = item.currentVersion + fresh.length;
    return audited(
      item,
      SYNC_ACTOR(requestId),
      "key.sync_rotations",
      { fromVersion: item.currentVersion, toVersion: currentVersion, rotations: fresh.length },
      {
        currentVersion,
        versions: [...item.versions, ...versions],
        kmsRotationsSeenAt: fresh.at(-1)!.rotatedAt,
      },
      changedMeanwhile,
    );
  }

  /**
   * Disabling is Coffer's own switch: the KMS key stays enabled, because KMS's DisableKey would
   * also stop the rotation sync and every other stage tool, and cannot be audited in this chain.
   * A key disabled in KMS directly is refused too (KMS answers DisabledException → key_disabled).
   */
  async function setState(keyName: string, state: KeyItem["state"], actor: AuditActor) {
    const item = await ensure(keyName);
    if (item.state === state) return summarize(item);
    return audited(
      item,
      actor,
      state === "disabled" ? "key.disable" : "key.enable",
      {},
      { state },
      changedMeanwhile,
    );
  }

  async function setMinDecryptionVersion(input: SetMinDecryptionVersionInput, actor: AuditActor) {
    const item = await ensure(input.keyName);
    if (input.minDecryptionVersion > item.currentVersion) {
      throw new CofferError(
        "invalid",
        `The minimum decryption version cannot be above the current version (${item.currentVersion}).`,
        { reason: "min_version_above_current", details: { currentVersion: item.currentVersion } },
      );
    }
    if (input.minDecryptionVersion === item.minDecryptionVersion) return summarize(item);
    return audited(
      item,
      actor,
      "key.set_min_decryption_version",
      { from: item.minDecryptionVersion, to: input.minDecryptionVersion },
      { minDecryptionVersion: input.minDecryptionVersion },
      changedMeanwhile,
    );
  }

  return {
    list,
    rotate,
    syncRotations,
    ensure,
    disable: ({ keyName }: KeyNameInput, actor: AuditActor) => setState(keyName, "disabled", actor),
    enable: ({ keyName }: KeyNameInput, actor: AuditActor) => setState(keyName, "enabled", actor),
    setMinDecryptionVersion,
    /** Makes this instance's ring read the key again (after a change made elsewhere in core). */
    invalidate: (keyName: string) => ring.invalidate(keyName),
  };
}

export type KeyLifecycle = ReturnType<typeof createKeyLifecycle>;

function versionEntry(
  version: number,
  createdAt: number,
  source: string,
  rotation: KeyRotation | undefined,
): KeyVersionItem {
  return {
    version,
    createdAt,
    source,
    ...(rotation ? { kmsKeyMaterialId: rotation.keyMaterialId, kmsRotatedAt: rotation.rotatedAt } : {}),
  };
}
