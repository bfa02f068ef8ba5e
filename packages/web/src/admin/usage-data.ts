// Usage counters as the console shows them. The shapes are the API's (issue 15's counters):
// admin.keys.list gives each key `usage` per version, admin.keys.usage gives one row per day and
// version, admin.tokens.list gives each token its totals. Pure functions, unit-tested with fixtures.

export interface VersionUsage {
  version: number;
  encrypts: number;
  decrypts: number;
  bytes: number;
}

/** One day of one version. `day` is "YYYY-MM-DD" (UTC). */
export interface DailyUsage extends VersionUsage {
  day: string;
}

export interface TokenUsage {
  encrypts: number;
  decrypts: number;
  bytes: number;
  /** ISO 8601, or null if the token was never used. */
  lastUsedAt: string | null;
}

export interface DayColumn {
  day: string;
  /** Operations (encrypts + decrypts) per version that day, versions ascending; absent ones are 0. */
  byVersion: { version: number; operations: number }[];
  operations: number;
}

/** The `count` UTC days ending with `lastDay` ("YYYY-MM-DD"), oldest first. */
export function daysEndingOn(lastDay: string, count: number): string[] {
  const end = Date.parse(`${lastDay}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) =>
    new Date(end - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
}

/**
 * The chart's columns: one per day of the window (days without a row show as empty columns, so
 * the x axis is time, not "days that had traffic"), each split by version.
 */
export function dayColumns(rows: readonly DailyUsage[], days: readonly string[]): DayColumn[] {
  const versions = [...new Set(rows.map((row) => row.version))].sort((a, b) => a - b);
  return days.map((day) => {
    const byVersion = versions.map((version) => ({
      version,
      operations: rows
        .filter((row) => row.day === day && row.version === version)
        .reduce((sum, row) => sum + row.encrypts + row.decrypts, 0),
    }));
    return { day, byVersion, operations: byVersion.reduce((sum, part) => sum + part.operations, 0) };
  });
}

/** A key's usage per version, newest version first, with every version of its history listed. */
export function usageRows(usage: readonly VersionUsage[], versions: readonly number[]): VersionUsage[] {
  const all = [...new Set([...versions, ...usage.map((row) => row.version)])].sort((a, b) => b - a);
  return all.map(
    (version) =>
      usage.find((row) => row.version === version) ?? { version, encrypts: 0, decrypts: 0, bytes: 0 },
  );
}
