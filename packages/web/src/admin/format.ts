// How the console writes numbers, sizes, moments and durations: one place, so every page agrees.

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export const formatCount = (value: number) => integer.format(value);

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? integer.format(value) : oneDecimal.format(value)} ${BYTE_UNITS[unit]}`;
}

/** A moment in epoch milliseconds, in the reader's time zone, to the second. */
export function formatMoment(epochMs: number): string {
  return new Intl.DateTimeFormat(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).format(new Date(epochMs));
}

/** "about 3 min", "12 s": how long is left, rounded as a person would say it. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.ceil(seconds))} s`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min`;
  return `about ${oneDecimal.format(seconds / 3600)} h`;
}

export const formatRate = (perSecond: number) => `${oneDecimal.format(perSecond)} records/s`;

/** `datetime-local` input value (local time) ⇄ epoch ms; empty means no bound. */
export function epochMsOfLocalInput(value: string): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}
