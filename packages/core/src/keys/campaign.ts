// Rewrap campaigns (DESIGN §3, §7): every stored record of a key below its current version is
// moved to that version with KMS ReEncrypt, never decrypting a payload. The work is cut into steps
// that each read a bounded page of the table and end with one conditional checkpoint, so any step
// can die anywhere: the next one re-reads the same page, finds what was already moved (its
// `rewrappedBy` says by which campaign) and counts every record exactly once.
import type { Clock } from "../clock";
import type { EnvelopeCrypto, SharedReEncrypts } from "../crypto";
import {
  type AppendedHead,
  type AuditActor,
  type CampaignItem,
  type Db,
  guard,
  keyChain,
  readRecordEnvelope,
  replaceRewrappedEnvelope,
  scanRecordsOfKey,
  type ScannedRecord,
  writeAudited,
} from "../db";
import { CofferError, isCofferError } from "../errors";
import { newId } from "../ids";
import type { KeyLifecycle } from "./service";
import type { CampaignInput, StartRewrapInput } from "./schemas";

export interface CampaignDeps {
  db: Db;
  crypto: EnvelopeCrypto;
  clock: Clock;
  lifecycle: KeyLifecycle;
  /** The key ring's staleness bound: steps start only once every instance encrypts at the target. */
  ringStalenessMs: number;
  onAuditAppended?: (head: AppendedHead) => void;
}

export interface StepOptions {
  /** Table items read per step (the bound on one step's work). */
  pageSize?: number;
  /** Records rewrapped at once within a step. */
  concurrency?: number;
  /**
   * Test hook, awaited before each record's write: throwing stops the step there, like a crash;
   * writing the record meanwhile is a concurrent update.
   */
  beforeWrite?: (recordId: string) => void | Promise<void>;
}

type Outcome = "rewrapped" | "alreadyCurrent" | "gone" | { failed: string };

const MAX_FAILURE_SAMPLES = 20;
const COUNT_PAGE_SIZE = 5_000;

export function createCampaigns(deps: CampaignDeps) {
  const { db, crypto, clock, lifecycle } = deps;

  async function read(campaignId: string): Promise<CampaignItem> {
    const { data } = await guard(db.entities.campaign.get({ campaignId }).go({ consistent: true }));
    if (!data)
      throw new CofferError("not_found", "No campaign has that id.", { reason: "campaign_not_found" });
    return data;
  }

  async function start(input: StartRewrapInput, actor: AuditActor) {
    const key = await lifecycle.ensure(input.keyName);
    if (key.state !== "enabled")
      throw new CofferError("key_unusable", "Enable the key before rewrapping its records.", {
        reason: "key_disabled",
      });
    if (key.activeCampaignId) {
      const running = await read(key.activeCampaignId).catch(() => undefined);
      if (running && running.status !== "completed")
        throw new CofferError(
          "conflict",
          "A rewrap campaign is already running for this key. Follow it with admin.keys.campaign.",
          {
            reason: "campaign_running",
            details: { campaignId: running.campaignId },
          },
        );
    }
    const now = clock.now();
    const version = key.versions.find((v) => v.version === key.currentVersion);
    const campaign = {
      campaignId: newId(),
      keyName: key.keyName,
      targetVersion: key.currentVersion,
      raiseMinOnCompletion: input.raiseMinOnCompletion ?? false,
      status: "counting" as const,
      stepSeq: 0,
      total: 0,
      rewrapped: 0,
      alreadyCurrent: 0,
      gone: 0,
      failures: 0,
      // An instance that has not yet seen the newest version may still write records below it;
      // after the ring's bound none can, so the scan cannot pass a record that is then written old.
      notBefore: Math.max(now, (version?.createdAt ?? 0) + deps.ringStalenessMs),
      startedAt: now,
      updatedAt: now,
    };
    const head = await writeAudited(
      db,
      {
        chain: keyChain(key.keyName),
        action: "campaign.start",
        subject: campaign.campaignId,
        details: {
          keyName: key.keyName,
          targetVersion: campaign.targetVersion,
          raiseMinOnCompletion: campaign.raiseMinOnCompletion,
        },
        actor,
        at: now,
      },
      ({ campaign: campaigns, key: keys }) => [
        campaigns.create(campaign).commit(),
        keys
          .patch({ keyName: key.keyName })
          .set({ activeCampaignId: campaign.campaignId, updatedAt: now, revision: key.revision + 1 })
          .where(
            (attr, op) =>
              `${op.eq(attr.revision, key.revision)} AND ${op.eq(attr.currentVersion, campaign.targetVersion)}`,
          )
          .commit(),
      ],
      () =>
        new CofferError("conflict", "The key changed while the campaign was starting. Retry.", {
          reason: "key_changed",
        }),
    );
    deps.onAuditAppended?.(head);
    return summarize(campaign as CampaignItem);
  }

  /**
   * One bounded step. Returns the campaign as this step left it; a step that lost its checkpoint
   * to a concurrent one changes no count (its record writes were conditional and are re-counted
   * by whoever reads that page next).
   */
  async function step(campaignId: string, options: StepOptions = {}) {
    const campaign = await read(campaignId);
    if (campaign.status === "completed" || clock.now() < campaign.notBefore) return summarize(campaign);
    if (campaign.status === "counting") return count(campaign);

    const page = await scanRecordsOfKey(db, {
      keyName: campaign.keyName,
      cursor: campaign.cursor,
      limit: options.pageSize ?? 500,
    });
    // Records sealed under one cached data key share its ReEncrypt within the step.
    const shared: SharedReEncrypts = new Map();
    const outcomes = await mapBounded(page.records, options.concurrency ?? 16, (record) =>
      moveRecord(campaign, record, shared, options.beforeWrite),
    );
    const counts = { rewrapped: 0, alreadyCurrent: 0, gone: 0, failures: 0 };
    const samples: string[] = [];
    for (const [i, outcome] of outcomes.entries()) {
      if (typeof outcome === "string") counts[outcome] += 1;
      else {
        counts.failures += 1;
        samples.push(`${page.records[i]!.recordId}: ${outcome.failed}`);
      }
    }
    const now = clock.now();
    const failureSamples = [...(campaign.failureSamples ?? []), ...samples].slice(0, MAX_FAILURE_SAMPLES);
    const next = {
      ...campaign,
      rewrapped: campaign.rewrapped + counts.rewrapped,
      alreadyCurrent: campaign.alreadyCurrent + counts.alreadyCurrent,
      gone: campaign.gone + counts.gone,
      failures: campaign.failures + counts.failures,
      failureSamples,
      stepSeq: campaign.stepSeq + 1,
      updatedAt: now,
      rewrapStartedAt: campaign.rewrapStartedAt ?? now,
    };
    if (page.cursor) {
      const written = await guard(
        db.entities.campaign
          .patch({ campaignId })
          .set({
            cursor: page.cursor,
            stepSeq: next.stepSeq,
            updatedAt: now,
            rewrapStartedAt: next.rewrapStartedAt,
            failureSamples,
          })
          .add(counts)
          .where((attr, op) => op.eq(attr.stepSeq, campaign.stepSeq))
          .go({ response: "all_new" }),
      ).catch(lostCheckpoint);
      return summarize(written ? (written.data as CampaignItem) : await read(campaignId));
    }
    return finish(next, campaign.stepSeq);
  }

  /** The counting pass: bounded pages too, so `total` is known before the first rewrap. */
  async function count(campaign: CampaignItem) {
    const page = await scanRecordsOfKey(db, {
      keyName: campaign.keyName,
      cursor: campaign.cursor,
      limit: COUNT_PAGE_SIZE,
      countOnly: true,
    });
    let update = db.entities.campaign
      .patch({ campaignId: campaign.campaignId })
      .set({
        stepSeq: campaign.stepSeq + 1,
        updatedAt: clock.now(),
        status: page.cursor ? "counting" : "rewrapping",
      })
      .add({ total: page.count });
    update = page.cursor ? update.set({ cursor: page.cursor }) : update.remove(["cursor"]);
    await guard(update.where((attr, op) => op.eq(attr.stepSeq, campaign.stepSeq)).go()).catch(lostCheckpoint);
    return summarize(await read(campaign.campaignId));
  }

  /** The last checkpoint: the campaign completes, the key forgets it, and (if asked) the minimum rises. */
  async function finish(next: CampaignItem, expectedStepSeq: number) {
    const now = clock.now();
    const key = await lifecycle.ensure(next.keyName);
    const raise =
      next.raiseMinOnCompletion && next.failures === 0 && key.minDecryptionVersion < next.targetVersion;
    const done = { ...next, status: "completed" as const, finishedAt: now, minRaised: raise };
    const head = await writeAudited(
      db,
      {
        chain: keyChain(next.keyName),
        action: "campaign.complete",
        subject: next.campaignId,
        details: {
          keyName: next.keyName,
          targetVersion: next.targetVersion,
          total: next.total,
          rewrapped: next.rewrapped,
          alreadyCurrent: next.alreadyCurrent,
          gone: next.gone,
          failures: next.failures,
          minRaisedTo: raise ? next.targetVersion : null,
        },
        actor: { tokenId: "system:campaign", requestId: `${next.campaignId}/${next.stepSeq}` },
        at: now,
      },
      ({ campaign, key: keys }) => [
        campaign
          .patch({ campaignId: next.campaignId })
          .set({
            status: "completed",
            stepSeq: next.stepSeq,
            rewrapped: next.rewrapped,
            alreadyCurrent: next.alreadyCurrent,
            gone: next.gone,
            failures: next.failures,
            failureSamples: next.failureSamples ?? [],
            updatedAt: now,
            finishedAt: now,
            minRaised: raise,
            ...(next.rewrapStartedAt !== undefined ? { rewrapStartedAt: next.rewrapStartedAt } : {}),
          })
          .where((attr, op) => op.eq(attr.stepSeq, expectedStepSeq))
          .commit(),
        keys
          .patch({ keyName: next.keyName })
          .set({ updatedAt: now, ...(raise ? { minDecryptionVersion: next.targetVersion } : {}) })
          .add({ revision: 1 })
          .remove(["activeCampaignId"])
          .where((attr, op) =>
            raise
              ? `${op.eq(attr.activeCampaignId, next.campaignId)} AND ${op.eq(attr.minDecryptionVersion, key.minDecryptionVersion)} AND ${op.gte(attr.currentVersion, next.targetVersion)}`
              : op.eq(attr.activeCampaignId, next.campaignId),
          )
          .commit(),
      ],
      () =>
        new CofferError("conflict", "The campaign or its key changed meanwhile; the next step retries.", {
          reason: "campaign_moved",
        }),
    ).catch((error: unknown) => {
      if (isCofferError(error, "conflict")) return undefined;
      throw error;
    });
    if (head) deps.onAuditAppended?.(head);
    if (raise) lifecycle.invalidate(next.keyName);
    return summarize(head ? (done as CampaignItem) : await read(next.campaignId));
  }

  /** One record: moved, found already moved, found gone, or failed with a reason. */
  async function moveRecord(
    campaign: CampaignItem,
    first: ScannedRecord,
    shared: SharedReEncrypts,
    beforeWrite: StepOptions["beforeWrite"],
  ): Promise<Outcome> {
    let record: ScannedRecord | undefined = first;
    for (let attempt = 0; attempt < 3 && record; attempt++) {
      let moved;
      try {
        moved = await crypto.rewrapStored({
          envelope: record.envelope,
          belowVersion: campaign.targetVersion,
          shared,
        });
      } catch (error) {
        // A disabled key or an outage stops the step (and so the campaign) rather than failing records.
        if (isCofferError(error, "unavailable") || (isCofferError(error) && error.reason === "key_disabled"))
          throw error;
        return { failed: isCofferError(error) ? (error.reason ?? error.kind) : "unexpected" };
      }
      if (moved === "current")
        return record.rewrappedBy === campaign.campaignId ? "rewrapped" : "alreadyCurrent";
      await beforeWrite?.(record.recordId);
      const written = await replaceRewrappedEnvelope(db, {
        namespace: record.namespace,
        recordId: record.recordId,
        previous: record.envelope,
        envelope: moved.envelope,
        campaignId: campaign.campaignId,
      });
      if (written) return "rewrapped";
      // Changed or deleted since the page was read: its change stands; look at it again.
      record = await readRecordEnvelope(db, record);
    }
    return record ? { failed: "record_kept_changing" } : "gone";
  }

  async function status({ campaignId }: CampaignInput) {
    return summarize(await read(campaignId));
  }

  function summarize(campaign: CampaignItem) {
    const processed = campaign.rewrapped + campaign.alreadyCurrent + campaign.gone + campaign.failures;
    const end = campaign.finishedAt ?? clock.now();
    const elapsedSeconds =
      campaign.rewrapStartedAt !== undefined ? (end - campaign.rewrapStartedAt) / 1000 : 0;
    const ratePerSecond = elapsedSeconds > 0 ? processed / elapsedSeconds : null;
    const left = Math.max(0, campaign.total - processed);
    return {
      campaignId: campaign.campaignId,
      keyName: campaign.keyName,
      targetVersion: campaign.targetVersion,
      status: campaign.status,
      raiseMinOnCompletion: campaign.raiseMinOnCompletion,
      total: campaign.total,
      done: processed,
      rewrapped: campaign.rewrapped,
      alreadyCurrent: campaign.alreadyCurrent,
      gone: campaign.gone,
      failures: campaign.failures,
      failureSamples: campaign.failureSamples ?? [],
      ratePerSecond,
      estimatedSecondsLeft:
        campaign.status === "completed" ? 0 : ratePerSecond ? Math.ceil(left / ratePerSecond) : null,
      minRaised: campaign.minRaised ?? false,
      startedAt: campaign.startedAt,
      finishedAt: campaign.finishedAt ?? null,
    };
  }

  /**
   * Steps every running campaign until `deadlineMs` (clock time): what the scheduled function and
   * the local runner call. Returns the campaigns as they were left.
   */
  async function runDue(keyNames: readonly string[], deadlineMs: number, options: StepOptions = {}) {
    const left = [];
    for (const keyName of keyNames) {
      const key = await lifecycle.ensure(keyName);
      if (!key.activeCampaignId || key.state !== "enabled") continue;
      let campaign = await read(key.activeCampaignId);
      while (
        campaign.status !== "completed" &&
        clock.now() < deadlineMs &&
        clock.now() >= campaign.notBefore
      ) {
        await step(campaign.campaignId, options);
        campaign = await read(campaign.campaignId);
      }
      left.push(summarize(campaign));
    }
    return left;
  }

  return { start, step, status, runDue };
}

export type Campaigns = ReturnType<typeof createCampaigns>;
export type CampaignSummary = Awaited<ReturnType<Campaigns["status"]>>;

function lostCheckpoint(error: unknown): undefined {
  if (isCofferError(error, "conflict")) return undefined;
  throw error;
}

/** Runs `run` over `items` with at most `limit` at once; the first failure stops new starts. */
async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  async function worker() {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await run(items[i]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  }
  const workers = Array.from({ length: Math.min(limit, items.length) }, worker);
  const settled = await Promise.allSettled(workers);
  const failure = settled.find((outcome) => outcome.status === "rejected");
  if (failure) throw (failure as PromiseRejectedResult).reason;
  return results;
}
