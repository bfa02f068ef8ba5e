// The statistics the harness reports. The machine is shared and noisy (2 cores), so every figure
// is a median, and a comparison is the median of ratios taken within one repetition: both sides
// of a pair ran back to back under the same noise.

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The mean of the values, leaving out those above `limit` times the median. On this machine the OS
 * sometimes takes the CPU away for whole milliseconds in the middle of a timed batch; those batches
 * are the outliers. Garbage collection, which is a real cost, mostly stays in (a scavenge adds a
 * fraction of a millisecond), which a plain median would leave out.
 */
export function meanWithoutOutliers(values: readonly number[], limit = 4): number {
  const cutoff = median(values) * limit;
  const kept = values.filter((value) => value <= cutoff);
  return kept.reduce((sum, value) => sum + value, 0) / kept.length;
}

/** ratios[i] = numerator[i] / denominator[i]: repetition i against repetition i, never across. */
export function pairedRatios(numerator: readonly number[], denominator: readonly number[]): number[] {
  if (numerator.length !== denominator.length)
    throw new RangeError("paired series must have the same length");
  return numerator.map((value, i) => value / denominator[i]!);
}

export const medianRatio = (numerator: readonly number[], denominator: readonly number[]): number =>
  median(pairedRatios(numerator, denominator));

/** Rounds to `digits` significant digits, for the table and the summary. */
export function significant(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}
