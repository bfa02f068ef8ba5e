import { createOnce } from "./create-once";
import { guard } from "./guard";
import type { Db } from "./service";
import {
  ALL_TIME,
  dayPeriod,
  REFUSALS,
  tokenUsageSubject,
  type RefusalCountItem,
  type RefusalSampleItem,
  type UsageItem,
} from "./usage";

// Reads and writes of the usage counters and the refusal log (their items are in usage.ts).

export interface UsageAddition {
  usageOf: string;
  period: string;
  version: number;
  encrypts: number;
  decrypts: number;
  bytes: number;
  lastUsedAt: number;
  expiresAt?: number;
}

/** One atomic ADD (an UpdateItem that makes the item if it is missing). */
export async function addUsage(db: Db, addition: UsageAddition): Promise<void> {
  const { usageOf, period, version, encrypts, decrypts, bytes, lastUsedAt, expiresAt } = addition;
  await guard(
    db.entities.usage
      .update({ usageOf, period, version })
      .add({ encrypts, decrypts, bytes })
      .set({ lastUsedAt, ...(expiresAt !== undefined ? { expiresAt } : {}) })
      .go({ response: "none" }),
  );
}

export async function addRefusals(
  db: Db,
  counter: { hour: string; namespace: string; reason: string; count: number; expiresAt: number },
): Promise<void> {
  const { hour, namespace, reason, count, expiresAt } = counter;
  await guard(
    db.entities.refusalCount
      .update({ refusalTally: REFUSALS, hour, namespace, reason })
      .add({ count })
      .set({ expiresAt })
      .go({ response: "none" }),
  );
}

export type RefusalSampleInput = Omit<RefusalSampleItem, "refusalLog">;

/** Claims the sample's slot; false when another instance holds it already (the cap is reached). */
export async function putRefusalSample(db: Db, sample: RefusalSampleInput): Promise<boolean> {
  // A retried claim whose first attempt landed holds its own slot (the sample's time and request id
  // make it this claim's), so it counts as taken rather than as the cap reached.
  const item = { refusalLog: REFUSALS, ...sample };
  return createOnce(db.entities.refusalSample, item);
}

/** A subject's items in one period range: "all", or the day buckets from `fromDay` on. */
export async function readUsage(
  db: Db,
  usageOf: string,
  range: { period: typeof ALL_TIME } | { fromDay: string },
): Promise<UsageItem[]> {
  const query = db.entities.usage.query.bySubject({ usageOf });
  const { data } = await guard(
    "fromDay" in range
      ? // "all" sorts before every "day:…", so a lower bound on the day leaves the totals out.
        query.gte({ period: dayPeriod(range.fromDay) }).go({ pages: "all" })
      : query.begins({ period: ALL_TIME }).go({ pages: "all" }),
  );
  return data;
}

/** The all-time counters of each token (one GetItem each, in parallel; a page holds ≤ 100). */
export async function readTokenUsage(db: Db, tokenIds: string[]): Promise<Map<string, UsageItem>> {
  const items = await Promise.all(
    tokenIds.map((tokenId) =>
      guard(
        db.entities.usage.get({ usageOf: tokenUsageSubject(tokenId), period: ALL_TIME, version: 0 }).go(),
      ).then(({ data }) => [tokenId, data] as const),
    ),
  );
  return new Map(items.filter((entry): entry is [string, UsageItem] => entry[1] !== null));
}

export async function readRefusalCounts(db: Db, fromHour: string): Promise<RefusalCountItem[]> {
  const { data } = await guard(
    db.entities.refusalCount.query
      .byHour({ refusalTally: REFUSALS })
      .gte({ hour: fromHour })
      .go({ pages: "all" }),
  );
  return data;
}

/** The newest samples first, from `fromMinute` on. */
export async function readRefusalSamples(
  db: Db,
  { fromMinute, namespace, limit }: { fromMinute: string; namespace?: string; limit: number },
): Promise<RefusalSampleItem[]> {
  const query = db.entities.refusalSample.query
    .byMinute({ refusalLog: REFUSALS })
    .gte({ minute: fromMinute });
  const { data } = await guard(
    (namespace === undefined ? query : query.where((attr, op) => op.eq(attr.namespace, namespace))).go({
      order: "desc",
      limit,
    }),
  );
  return data;
}
