// The usage meter of one function instance (DESIGN §7): counts key uses, refusals and bin burns in
// memory and adds them to DynamoDB with atomic ADDs at most once per `flushIntervalMs`, on the
// request that finds the interval passed (Lambda freezes an instance between invocations, so there
// is no background timer: the handler awaits `flushIfDue()` before it answers). A request therefore
// costs no extra write, and about one request a second per instance pays for one flush.
//
// What can be lost: an instance that dies holds at most about one interval of counts; a flush
// whose writes fail keeps them for the next try, up to `maxPendingCounters` distinct counters.
// Usage statistics tolerate that; nothing that decides access may ever read these counters.
import type { Clock } from "../clock";
import {
  addRefusals,
  addUsage,
  ALL_TIME,
  type Db,
  dayPeriod,
  keyUsageSubject,
  putRefusalSample,
  type RefusalSampleInput,
  tokenUsageSubject,
  type UsageAddition,
} from "../db";
import {
  dayBucketExpiresAt,
  hourBucketExpiresAt,
  sampleExpiresAt,
  utcDay,
  utcHour,
  utcMinute,
} from "./periods";

/** One successful encrypt or decrypt (or data key issued or unwrapped, with 0 bytes). */
export interface KeyUse {
  keyName: string;
  keyVersion: number;
  kind: "encrypt" | "decrypt";
  /** Plaintext bytes. */
  bytes: number;
  /** The token charged, when a token made the request. */
  tokenId?: string;
}

/** A refused request or a bin burn: ids and names only, never a secret or an input. */
export interface Refusal {
  namespace: string;
  reason: string;
  procedure: string;
  requestId: string;
  tokenId?: string;
}

export interface UsageMeterDeps {
  db: Db;
  clock: Clock;
  flushIntervalMs?: number;
  /** Sampled log entries per (namespace, reason) per minute, across every instance. */
  samplesPerMinute?: number;
  /** Distinct counters held in memory at most; counts for more are dropped (and counted). */
  maxPendingCounters?: number;
  /** One JSON line per failed flush: how many writes failed, never a value. */
  log?: (line: Record<string, unknown>) => void;
}

export const DEFAULT_FLUSH_INTERVAL_MS = 1_000;
export const DEFAULT_SAMPLES_PER_MINUTE = 5;
const DEFAULT_MAX_PENDING = 10_000;

interface RefusalCounter {
  hour: string;
  namespace: string;
  reason: string;
  count: number;
  expiresAt: number;
}

export function createUsageMeter({
  db,
  clock,
  flushIntervalMs = DEFAULT_FLUSH_INTERVAL_MS,
  samplesPerMinute = DEFAULT_SAMPLES_PER_MINUTE,
  maxPendingCounters = DEFAULT_MAX_PENDING,
  log = (line) => console.warn(JSON.stringify(line)),
}: UsageMeterDeps) {
  let usage = new Map<string, UsageAddition>();
  let refusals = new Map<string, RefusalCounter>();
  let samples: RefusalSampleInput[] = [];
  // Sample slots this instance has tried in the current minute, per (namespace, reason).
  let slotsMinute = "";
  const slotsTried = new Map<string, number>();
  let lastFlushAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;
  const stats = { flushes: 0, failedFlushes: 0, failedWrites: 0, droppedCounts: 0 };

  const pendingCounters = () => usage.size + refusals.size;

  function addToUsage(into: Map<string, UsageAddition>, addition: UsageAddition): void {
    const id = `${addition.usageOf}\u0000${addition.period}\u0000${addition.version}`;
    const held = into.get(id);
    if (held) {
      held.encrypts += addition.encrypts;
      held.decrypts += addition.decrypts;
      held.bytes += addition.bytes;
      held.lastUsedAt = Math.max(held.lastUsedAt, addition.lastUsedAt);
    } else if (pendingCounters() < maxPendingCounters) {
      into.set(id, { ...addition });
    } else stats.droppedCounts += addition.encrypts + addition.decrypts;
  }

  function addToRefusals(into: Map<string, RefusalCounter>, counter: RefusalCounter): void {
    const id = `${counter.hour}\u0000${counter.namespace}\u0000${counter.reason}`;
    const held = into.get(id);
    if (held) held.count += counter.count;
    else if (pendingCounters() < maxPendingCounters) into.set(id, { ...counter });
    else stats.droppedCounts += counter.count;
  }

  function countKeyUse(use: KeyUse): void {
    const now = clock.now();
    const counts = {
      encrypts: use.kind === "encrypt" ? 1 : 0,
      decrypts: use.kind === "decrypt" ? 1 : 0,
      bytes: use.bytes,
      lastUsedAt: now,
    };
    const key = keyUsageSubject(use.keyName);
    addToUsage(usage, { usageOf: key, period: ALL_TIME, version: use.keyVersion, ...counts });
    addToUsage(usage, {
      usageOf: key,
      period: dayPeriod(utcDay(now)),
      version: use.keyVersion,
      ...counts,
      expiresAt: dayBucketExpiresAt(now),
    });
    if (use.tokenId !== undefined)
      addToUsage(usage, { usageOf: tokenUsageSubject(use.tokenId), period: ALL_TIME, version: 0, ...counts });
  }

  function countRefusal(refusal: Refusal): void {
    const now = clock.now();
    const { namespace, reason } = refusal;
    addToRefusals(refusals, {
      hour: utcHour(now),
      namespace,
      reason,
      count: 1,
      expiresAt: hourBucketExpiresAt(now),
    });
    const minute = utcMinute(now);
    if (minute !== slotsMinute) {
      slotsMinute = minute;
      slotsTried.clear();
    }
    const id = `${namespace}\u0000${reason}`;
    const slot = slotsTried.get(id) ?? 0;
    if (slot >= samplesPerMinute) return;
    slotsTried.set(id, slot + 1);
    samples.push({
      minute,
      namespace,
      reason,
      slot,
      at: now,
      procedure: refusal.procedure,
      requestId: refusal.requestId,
      ...(refusal.tokenId !== undefined ? { tokenId: refusal.tokenId } : {}),
      expiresAt: sampleExpiresAt(now),
    });
  }

  /** Writes everything held now; never throws. Failed writes go back into the pending counts. */
  async function writePending(): Promise<void> {
    const [usageNow, refusalsNow, samplesNow] = [usage, refusals, samples];
    usage = new Map();
    refusals = new Map();
    samples = [];
    const writes = [
      ...[...usageNow.values()].map((addition) => ({
        run: () => addUsage(db, addition),
        giveBack: () => addToUsage(usage, addition),
      })),
      ...[...refusalsNow.values()].map((counter) => ({
        run: () => addRefusals(db, counter),
        giveBack: () => addToRefusals(refusals, counter),
      })),
      ...samplesNow.map((sample) => ({
        run: () => putRefusalSample(db, sample),
        // A sample is worth a retry only while the log is small; it is a sample.
        giveBack: () => void (samples.length < samplesPerMinute * 20 && samples.push(sample)),
      })),
    ];
    const outcomes = await Promise.allSettled(writes.map((write) => write.run()));
    const failed = outcomes.flatMap((outcome, i) => (outcome.status === "rejected" ? [writes[i]!] : []));
    stats.flushes++;
    if (failed.length === 0) return;
    for (const write of failed) write.giveBack();
    stats.failedFlushes++;
    stats.failedWrites += failed.length;
    log({
      level: "warn",
      event: "usage_flush_failed",
      failedWrites: failed.length,
      pendingCounters: pendingCounters(),
      droppedCounts: stats.droppedCounts,
    });
  }

  /** Flushes now (tests, and the end of a batch job); shares a flush already running. */
  function flush(): Promise<void> {
    if (inFlight) return inFlight;
    lastFlushAt = clock.now();
    inFlight = writePending()
      .catch(() => {}) // writePending settles every write itself; this only guards a bug
      .finally(() => (inFlight = undefined));
    return inFlight;
  }

  /** What each request calls before it answers: a flush when one is due and anything is held. */
  function flushIfDue(): Promise<void> {
    if (inFlight) return Promise.resolve();
    if (clock.now() - lastFlushAt < flushIntervalMs) return Promise.resolve();
    if (usage.size === 0 && refusals.size === 0 && samples.length === 0) return Promise.resolve();
    return flush();
  }

  return {
    countKeyUse,
    countRefusal,
    flushIfDue,
    flush,
    /** For tests and logs: flushes done and failed, writes failed, counts dropped at the bound. */
    stats: () => ({ ...stats, pendingCounters: pendingCounters(), pendingSamples: samples.length }),
  };
}

export type UsageMeter = ReturnType<typeof createUsageMeter>;
