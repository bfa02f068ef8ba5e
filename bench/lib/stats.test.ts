import { expect, test } from "vitest";
import { meanWithoutOutliers, median, medianRatio, pairedRatios, significant } from "./stats";

test("median of odd and even counts, whatever the order", () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(median([7])).toBe(7);
  expect(() => median([])).toThrow(RangeError);
});

test("ratios are paired by repetition, not computed from two medians", () => {
  // Noise that hits both sides of a repetition cancels in the pair: every pair says 2.
  const coffer = [200, 100, 400, 50, 300];
  const raw = [100, 50, 200, 25, 150];
  expect(pairedRatios(coffer, raw)).toEqual([2, 2, 2, 2, 2]);
  expect(medianRatio(coffer, raw)).toBe(2);
  // Unpaired medians would mix repetitions; here they happen to agree, below they do not.
  expect(medianRatio([10, 1, 1], [5, 1, 2])).toBe(1);
  expect(median([10, 1, 1]) / median([5, 1, 2])).toBe(0.5);
  expect(() => pairedRatios([1], [1, 2])).toThrow(RangeError);
});

test("the mean without outliers keeps ordinary costs and drops descheduled batches", () => {
  // Nine ordinary batches, one with a GC scavenge (kept), one the OS interrupted (dropped).
  const batches = [10, 10, 10, 10, 10, 10, 10, 10, 10, 25, 400];
  expect(meanWithoutOutliers(batches)).toBe(115 / 10);
  expect(meanWithoutOutliers([1, 2, 3])).toBe(2);
});

test("significant digits", () => {
  expect(significant(0.934567)).toBe(0.935);
  expect(significant(14234.5)).toBe(14200);
  expect(significant(0)).toBe(0);
});
