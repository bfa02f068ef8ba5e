import { Argument, InvalidArgumentError } from "commander";

// Parsers for option values. Commander reports an InvalidArgumentError as a usage error (exit 2)
// naming the option.

/** Collects repeated `--context key=value` into one encryption context. */
export function collectContext(pair: string, context: Record<string, string> = {}): Record<string, string> {
  const cut = pair.indexOf("=");
  if (cut <= 0) throw new InvalidArgumentError(`"${pair}" is not key=value.`);
  const key = pair.slice(0, cut);
  if (Object.hasOwn(context, key)) throw new InvalidArgumentError(`The context key "${key}" is given twice.`);
  return { ...context, [key]: pair.slice(cut + 1) };
}

export function wholeNumber(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError("Expected a whole number.");
  return Number(text);
}

const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "90s", "5m", "12h", "7d", or plain seconds. */
export function durationSeconds(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) throw new InvalidArgumentError('Expected a duration such as "30m", "12h" or "7d".');
  return Number(match[1]) * unitSeconds[match[2] || "s"]!;
}

/** An instant: ISO 8601 ("2026-12-01T10:00:00Z") or epoch milliseconds. */
export function instantMs(text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms))
    throw new InvalidArgumentError("Expected an ISO 8601 time or epoch milliseconds.");
  return ms;
}

/**
 * An id argument (record, token, campaign). Ids Coffer mints now never start with "-", but older
 * ids (about one in 64) and ids typed by hand may, and a command line reads those as options:
 * "--" ends the options, as for any Unix command.
 */
export const idArgument = (name: string, what: string) =>
  new Argument(`<${name}>`, `${what} (one that starts with "-" goes after "--": -- -Xy…)`);

export const commaList = (text: string) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
