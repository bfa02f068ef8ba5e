import {
  type KeyCacheName,
  type KeyCacheOutcome,
  kmsOperations,
  type KmsOutcome,
} from "@coffer/core/telemetry";
import { procedureRoutes } from "../routes";

// What may reach a log line or a metric, and nothing else. Every metric dimension and every log
// field is named here, and every value is either a number, one of a closed set, or a word checked
// against a strict pattern: a value that does not pass becomes "other". A secret (a token, a key,
// plaintext, a context value) cannot pass any of them, so no code path can log one by mistake.

export const METRICS_NAMESPACE = "Coffer";

/** Metric name → its dimensions (besides `service`, the function's name) and unit. */
export const metricDefinitions = {
  KmsCalls: { dimensions: ["operation", "outcome"], unit: "Count" },
  KmsLatency: { dimensions: ["operation"], unit: "Milliseconds" },
  /** Only `service`: the alarm in infra/lib/alarms.ts watches it per function. */
  KmsThrottled: { dimensions: [], unit: "Count" },
  KeyCacheLookups: { dimensions: ["cache", "outcome"], unit: "Count" },
  ProcedureLatency: { dimensions: ["procedure"], unit: "Milliseconds" },
  Refusals: { dimensions: ["code", "reason"], unit: "Count" },
} as const;
export type MetricName = keyof typeof metricDefinitions;
export type DimensionName = (typeof metricDefinitions)[MetricName]["dimensions"][number];

/** The fields a log line may carry besides Powertools' own (level, message, timestamp, service). */
export const logFields = [
  "requestId",
  "procedure",
  "code",
  "kind",
  "reason",
  "durationMs",
  "error",
  "stack",
] as const;
export type LogField = (typeof logFields)[number];

const OTHER = "other";
const WORD = /^[a-z][a-z0-9_]{0,47}$/;
const CODE = /^[A-Z][A-Z_]{0,39}$/;
const REQUEST_ID = /^[A-Za-z0-9-]{1,64}$/;
const ERROR_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

const closed = (allowed: readonly string[]) => (value: string) => (allowed.includes(value) ? value : OTHER);
const matching = (pattern: RegExp) => (value: string) => (pattern.test(value) ? value : OTHER);

const kmsOutcomes: readonly KmsOutcome[] = ["ok", "throttled", "failed"];
const cacheNames: readonly KeyCacheName[] = ["dataKey", "unwrappedKey"];
const cacheOutcomes: readonly KeyCacheOutcome[] = ["hit", "miss", "bypass"];

/** Each dimension's sanitizer. `outcome` serves both KMS calls and cache lookups. */
export const dimensionValue: Record<DimensionName, (value: string) => string> = {
  operation: closed(kmsOperations),
  outcome: closed([...kmsOutcomes, ...cacheOutcomes]),
  cache: closed(cacheNames),
  procedure: closed(Object.keys(procedureRoutes)),
  code: matching(CODE),
  reason: matching(WORD),
};

/**
 * A log field's sanitizer. A stack keeps only its "at ..." frames (code locations), never the
 * first line, which holds the error's message and could quote input.
 */
export const logFieldValue: Record<LogField, (value: string | number) => string | number> = {
  requestId: (value) => matching(REQUEST_ID)(String(value)),
  procedure: (value) => dimensionValue.procedure(String(value)),
  code: (value) => dimensionValue.code(String(value)),
  kind: (value) => matching(WORD)(String(value)),
  reason: (value) => matching(WORD)(String(value)),
  durationMs: (value) => (typeof value === "number" && Number.isFinite(value) ? Math.round(value) : -1),
  error: (value) => matching(ERROR_NAME)(String(value)),
  stack: (value) =>
    String(value)
      .split("\n")
      .filter((line) => /^\s+at [^'"`]*$/.test(line))
      .slice(0, 7)
      .join("\n"),
};

/** Keeps the allowed fields, each through its sanitizer; drops undefined and unknown ones. */
export function allowedLogFields(fields: Partial<Record<string, string | number | undefined>>) {
  const kept: Partial<Record<LogField, string | number>> = {};
  for (const name of logFields) {
    const value = fields[name];
    if (value !== undefined) kept[name] = logFieldValue[name](value);
  }
  return kept;
}
