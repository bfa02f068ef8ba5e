// What the admin console reads: a key's usage per UTC day and version, and the refusal counts and
// sampled log. Key totals (admin.keys.list) and token totals (admin.tokens.list) are read by those
// services from db/usage-store.ts directly.
import type { Clock } from "../clock";
import { type Db, keyUsageSubject, readRefusalCounts, readRefusalSamples, readUsage } from "../db";
import { DAY_MS, REFUSAL_DAYS_KEPT, utcDay, utcHour, utcMinute } from "./periods";
import type { KeyUsageInput, ListRefusalsInput } from "./schemas";

export interface KeyUsageDay {
  /** UTC, "YYYY-MM-DD". */
  day: string;
  version: number;
  encrypts: number;
  decrypts: number;
  bytes: number;
}

export interface RefusalCount {
  namespace: string;
  reason: string;
  count: number;
}

export interface RefusalSample {
  /** ISO 8601, UTC. */
  at: string;
  namespace: string;
  reason: string;
  procedure: string;
  requestId: string;
  tokenId: string | null;
}

/** The newest samples a report returns. */
export const MAX_SAMPLES_LISTED = 200;

export function createUsageReports({ db, clock }: { db: Db; clock: Clock }) {
  async function keyUsage({
    keyName,
    days,
  }: KeyUsageInput): Promise<{ keyName: string; days: KeyUsageDay[] }> {
    const fromDay = utcDay(clock.now() - (days - 1) * DAY_MS);
    const items = await readUsage(db, keyUsageSubject(keyName), { fromDay });
    const buckets = items
      .map((item) => ({
        day: item.period.slice("day:".length),
        version: item.version,
        encrypts: item.encrypts ?? 0,
        decrypts: item.decrypts ?? 0,
        bytes: item.bytes ?? 0,
      }))
      .filter((bucket) => bucket.day >= fromDay)
      .sort((a, b) => (a.day === b.day ? a.version - b.version : a.day < b.day ? -1 : 1));
    return { keyName, days: buckets };
  }

  /**
   * Counts per namespace and reason since `since` (counted per UTC hour, so the hour `since` falls
   * in counts whole), most frequent first, and the newest samples since then.
   */
  async function refusals(input: ListRefusalsInput): Promise<{
    since: string;
    counts: RefusalCount[];
    samples: RefusalSample[];
  }> {
    const now = clock.now();
    const oldest = now - REFUSAL_DAYS_KEPT * DAY_MS;
    const since = Math.max(input.since ?? now - DAY_MS, oldest);
    const { namespace } = input;
    const [counters, sampled] = await Promise.all([
      readRefusalCounts(db, utcHour(since)),
      readRefusalSamples(db, {
        fromMinute: utcMinute(since),
        limit: MAX_SAMPLES_LISTED,
        ...(namespace !== undefined ? { namespace } : {}),
      }),
    ]);
    const totals = new Map<string, RefusalCount>();
    for (const counter of counters) {
      if (namespace !== undefined && counter.namespace !== namespace) continue;
      const id = `${counter.namespace}\u0000${counter.reason}`;
      const total = totals.get(id) ?? { namespace: counter.namespace, reason: counter.reason, count: 0 };
      total.count += counter.count ?? 0;
      totals.set(id, total);
    }
    return {
      since: new Date(since).toISOString(),
      counts: [...totals.values()].sort(
        (a, b) =>
          b.count - a.count || a.namespace.localeCompare(b.namespace) || a.reason.localeCompare(b.reason),
      ),
      samples: sampled
        .filter((sample) => sample.at >= since)
        .sort((a, b) => b.at - a.at)
        .map((sample) => ({
          at: new Date(sample.at).toISOString(),
          namespace: sample.namespace,
          reason: sample.reason,
          procedure: sample.procedure,
          requestId: sample.requestId,
          tokenId: sample.tokenId ?? null,
        })),
    };
  }

  return { keyUsage, refusals };
}

export type UsageReports = ReturnType<typeof createUsageReports>;
