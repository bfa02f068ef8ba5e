// The table on stdout and the flat summary file.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { significant } from "./stats";
import type { Figure } from "./suite";

export function verdict(figure: Figure): "ok" | "MISSED" | "" {
  const { target } = figure;
  if (!target) return "";
  const ok =
    (target.atLeast === undefined || figure.value >= target.atLeast) &&
    (target.atMost === undefined || figure.value <= target.atMost);
  return ok ? "ok" : "MISSED";
}

const targetText = ({ target }: Figure) =>
  !target
    ? ""
    : target.atLeast !== undefined
      ? `>= ${target.atLeast}`
      : target.atMost !== undefined
        ? `<= ${target.atMost}`
        : "";

export function formatTable(figures: readonly Figure[]): string {
  const rows = [
    ["figure", "value", "unit", "target", ""],
    ...figures.map((f) => [f.name, String(significant(f.value)), f.unit, targetText(f), verdict(f)]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => (column === 1 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd();
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

/** summary.json: a flat object of named figures, e.g. {"crypto.encrypt.1MiB.vs_raw": 0.93}. */
export function writeSummary(path: string, figures: readonly Figure[]): void {
  const summary = Object.fromEntries(figures.map((figure) => [figure.name, significant(figure.value)]));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(summary, null, 2)}\n`);
}
