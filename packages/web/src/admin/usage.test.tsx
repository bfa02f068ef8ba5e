import { renderToStaticMarkup } from "react-dom/server";
import { expect, test } from "vitest";
import { percentDone } from "./campaign-progress";
import { UsageChart, UsageTable } from "./usage";
import { dayColumns, type DailyUsage, daysEndingOn, usageRows } from "./usage-data";

// Fixtures in the shapes of issue 15's counters (admin.keys.list `usage`, admin.keys.usage `days`).
const perVersion = [
  { version: 1, encrypts: 120, decrypts: 40, bytes: 2048 },
  { version: 3, encrypts: 5, decrypts: 0, bytes: 3 * 1024 * 1024 },
];
const daily: DailyUsage[] = [
  { day: "2026-11-29", version: 1, encrypts: 10, decrypts: 2, bytes: 100 },
  { day: "2026-11-30", version: 1, encrypts: 4, decrypts: 0, bytes: 40 },
  { day: "2026-11-30", version: 2, encrypts: 6, decrypts: 6, bytes: 60 },
  { day: "2026-12-01", version: 2, encrypts: 0, decrypts: 1, bytes: 10 },
  { day: "2026-11-01", version: 1, encrypts: 999, decrypts: 0, bytes: 1 }, // outside the window
];

test("the window is the last N UTC days, oldest first, across a month's end", () => {
  expect(daysEndingOn("2026-12-01", 3)).toEqual(["2026-11-29", "2026-11-30", "2026-12-01"]);
  expect(daysEndingOn("2026-03-01", 2)).toEqual(["2026-02-28", "2026-03-01"]);
});

test("day columns split each day's operations by version; quiet days are empty columns", () => {
  const columns = dayColumns(daily, daysEndingOn("2026-12-02", 4));
  expect(columns.map((column) => [column.day, column.operations])).toEqual([
    ["2026-11-29", 12],
    ["2026-11-30", 16],
    ["2026-12-01", 1],
    ["2026-12-02", 0],
  ]);
  expect(columns[1]!.byVersion).toEqual([
    { version: 1, operations: 4 },
    { version: 2, operations: 12 },
  ]);
});

test("the usage table lists every version of the history, newest first, unused ones as zero", () => {
  expect(usageRows(perVersion, [1, 2, 3]).map((row) => [row.version, row.encrypts])).toEqual([
    [3, 5],
    [2, 0],
    [1, 120],
  ]);
  const html = renderToStaticMarkup(<UsageTable usage={perVersion} versions={[1, 2, 3]} />);
  expect(html).toContain('<th scope="row">v3</th>');
  expect(html).toContain("3 MiB");
  expect(html).toContain("2 KiB");
});

test("the chart draws one bar segment per version and day with traffic, and says its totals in words", () => {
  const html = renderToStaticMarkup(<UsageChart rows={daily} lastDay="2026-12-01" days={3} />);
  expect(html.match(/<rect /g)).toHaveLength(4); // 11-29 v1, 11-30 v1 + v2, 12-01 v2
  expect(html).toContain("29 in all, at most 16 in a day");
  expect(html).toContain("2026-11-30: 16 operations");
  // The tallest day fills the chart; the others are in proportion.
  const heights = [...html.matchAll(/height="([\d.]+)"/g)].map((m) => Number(m[1]));
  expect(heights[1]! + heights[2]!).toBeCloseTo(116); // 11-30: v1 + v2 stacked, the full bar
  expect(heights[0]).toBeCloseTo((12 / 16) * 116);
});

test("a campaign is 100 % only when completed, even with nothing to move", () => {
  expect(percentDone({ status: "counting", done: 0, total: 0 })).toBe(0);
  expect(percentDone({ status: "rewrapping", done: 30, total: 30 })).toBe(99);
  expect(percentDone({ status: "rewrapping", done: 15, total: 30 })).toBe(50);
  expect(percentDone({ status: "completed", done: 0, total: 0 })).toBe(100);
});
