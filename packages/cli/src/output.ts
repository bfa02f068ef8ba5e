// What a command prints: with --json one JSON document on stdout (and errors as JSON on stderr),
// otherwise lines for a person. Data (plaintext, ciphertext) never goes through here.

export function printJson(value: unknown) {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLines(...lines: string[]) {
  process.stdout.write(`${lines.join("\n")}\n`);
}

/** A plain table: one row per item, columns padded to their widest cell. */
export function printTable(headers: string[], rows: (string | number | null | undefined)[][]) {
  const cells = [
    headers,
    ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? "-" : String(cell)))),
  ];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  printLines(
    ...cells.map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join("  ")
        .trimEnd(),
    ),
  );
}

export const isoOf = (epochSeconds: number | null | undefined) =>
  epochSeconds ? new Date(epochSeconds * 1000).toISOString() : "-";
