// Interleaved measurement for a shared, noisy 2-core machine.
//
// - The variants take turns in small batches (A B, B A, A B, …), so whatever slows the machine
//   down in a given millisecond slows both sides of a pair alike.
// - A batch is a few operations lasting about BATCH_MS, so that the timer's own cost stays small
//   even for 4 µs operations.
// - A repetition's figure for a variant is the mean batch time per operation WITHOUT OUTLIERS
//   (batches over 4x the median): when the OS takes the CPU away mid-batch (other processes run
//   tests here), that batch gets whole milliseconds added, and a plain total would charge them to
//   whichever side was unlucky. Garbage collection pauses, a real cost, mostly stay in; a plain
//   median would drop them and flatter whichever side allocates more.
import { performance } from "node:perf_hooks";
import { meanWithoutOutliers, median } from "./stats";
import type { Settings } from "./suite";

export type Operation = () => unknown;

const BATCH_MS = 0.25;
const MAX_BATCH = 256;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";

/** Milliseconds per operation over one batch of `size` calls, awaiting each if it is async. */
async function timeBatch(operation: Operation, size: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < size; i++) {
    const result = operation();
    if (isThenable(result)) await result;
  }
  return (performance.now() - start) / size;
}

/**
 * Batches in alternating order until the variants together have run about `ms` each on average
 * (a variant much slower than the others takes most of that time: keep such sides in a pass of
 * their own, docs/benchmarks.md); per-op times per variant.
 */
async function interleave<Name extends string>(
  names: readonly Name[],
  variants: Record<Name, Operation>,
  batchSizes: Record<Name, number>,
  ms: number,
): Promise<Record<Name, number[]>> {
  const perOpMs = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
  let spentMs = 0;
  for (let round = 0; spentMs < ms * names.length || round < 4; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const opMs = await timeBatch(variants[name], batchSizes[name]);
      perOpMs[name].push(opMs);
      spentMs += opMs * batchSizes[name];
    }
  }
  return perOpMs;
}

/** Operations per second of each variant, one figure per repetition, after a warm-up. */
export async function measureInterleaved<Name extends string>(
  variants: Record<Name, Operation>,
  settings: Pick<Settings, "repetitions" | "sliceMs" | "warmupMs">,
): Promise<Record<Name, number[]>> {
  const names = Object.keys(variants) as Name[];
  const ones = Object.fromEntries(names.map((name) => [name, 1])) as Record<Name, number>;
  const warm = await interleave(names, variants, ones, settings.warmupMs);
  const batchSizes = Object.fromEntries(
    names.map((name) => [name, Math.max(1, Math.min(MAX_BATCH, Math.round(BATCH_MS / median(warm[name]))))]),
  ) as Record<Name, number>;

  const results = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
  for (let repetition = 0; repetition < settings.repetitions; repetition++) {
    const perOpMs = await interleave(names, variants, batchSizes, settings.sliceMs);
    for (const name of names) results[name].push(1000 / meanWithoutOutliers(perOpMs[name]));
  }
  return results;
}
