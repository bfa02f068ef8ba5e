// UTC periods as sortable strings, and how long each kind of counter is kept.

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10); // YYYY-MM-DD
export const utcHour = (ms: number): string => new Date(ms).toISOString().slice(0, 13); // YYYY-MM-DDTHH
export const utcMinute = (ms: number): string => new Date(ms).toISOString().slice(0, 16); // …THH:MM

/** Day buckets of key usage are kept 90 days (the longest the usage report asks for). */
export const USAGE_DAYS_KEPT = 90;
/** Refusal counters and samples are kept 7 days. */
export const REFUSAL_DAYS_KEPT = 7;

/** Epoch seconds (the TTL unit) at which a day bucket that holds `ms` may go. */
export const dayBucketExpiresAt = (ms: number): number =>
  Math.floor((Math.floor(ms / DAY_MS) + 1 + USAGE_DAYS_KEPT) * (DAY_MS / 1000));

/** Epoch seconds at which an hour's refusal counter may go. */
export const hourBucketExpiresAt = (ms: number): number =>
  Math.floor(((Math.floor(ms / HOUR_MS) + 1) * HOUR_MS + REFUSAL_DAYS_KEPT * DAY_MS) / 1000);

export const sampleExpiresAt = (ms: number): number => Math.floor((ms + REFUSAL_DAYS_KEPT * DAY_MS) / 1000);

export { DAY_MS };
