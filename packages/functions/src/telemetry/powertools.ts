import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Telemetry } from "@coffer/core/telemetry";
import {
  allowedLogFields,
  type DimensionName,
  dimensionValue,
  METRICS_NAMESPACE,
  type MetricName,
  metricDefinitions,
} from "./allow-list";

// Core's telemetry port and the functions' own events (procedure latency, refusals), adapted to
// Powertools: structured JSON logs (Logger) and CloudWatch metrics in the Embedded Metric Format
// (Metrics), both on stdout, which Lambda sends to the function's log group. Only what the
// allow-list names, through its sanitizers, reaches either.

export interface FunctionTelemetry {
  /** For the core services: KMS calls and key-cache lookups. */
  core: Telemetry;
  procedure(event: { procedure: string; durationMs: number }): void;
  refusal(event: {
    requestId?: string | undefined;
    procedure?: string | undefined;
    code: string;
    kind?: string | undefined;
    reason?: string | undefined;
    error?: string | undefined;
    stack?: string | undefined;
  }): void;
  /** Writes the metrics gathered since the last flush; the handler calls it after every invocation. */
  flush(): void;
}

type Dimensions = Partial<Record<DimensionName, string>>;

export function createFunctionTelemetry({ serviceName }: { serviceName: string }): FunctionTelemetry {
  // The level is the environment's (POWERTOOLS_LOG_LEVEL; INFO when unset, as deployed, so every
  // refusal is logged at WARN). Test stacks set ERROR: the refusals their tests provoke on purpose
  // (thousands per run) would bury the output, and a test that reads the refusal lines sets INFO.
  const logger = new Logger({ serviceName });
  // One Metrics per dimension combination (a closed, small set): an EMF blob has one set of
  // dimensions for all its metrics, so metrics with different dimensions go to different blobs.
  const publishers = new Map<string, Metrics>();
  const pending = new Map<string, { dimensions: Dimensions; name: MetricName; values: number[] }>();

  function record(name: MetricName, raw: Dimensions, value: number) {
    const dimensions: Dimensions = {};
    for (const dimension of metricDefinitions[name].dimensions)
      dimensions[dimension] = dimensionValue[dimension](raw[dimension] ?? "");
    const key = `${name}\u0000${JSON.stringify(dimensions)}`;
    const entry = pending.get(key) ?? { dimensions, name, values: [] };
    // Counts are summed within an invocation; latencies keep every value (EMF takes an array).
    if (metricDefinitions[name].unit === "Count" && entry.values.length === 1) entry.values[0]! += value;
    else entry.values.push(value);
    pending.set(key, entry);
  }

  function publisherFor(dimensions: Dimensions): Metrics {
    const key = JSON.stringify(dimensions);
    let publisher = publishers.get(key);
    if (!publisher) {
      publisher = new Metrics({
        namespace: METRICS_NAMESPACE,
        serviceName,
        defaultDimensions: dimensions as Record<string, string>,
      });
      publishers.set(key, publisher);
    }
    return publisher;
  }

  return {
    core: {
      kmsCall({ operation, outcome, durationMs }) {
        record("KmsCalls", { operation, outcome }, 1);
        record("KmsLatency", { operation }, durationMs);
        if (outcome === "throttled") record("KmsThrottled", {}, 1);
      },
      keyCache({ cache, outcome }) {
        record("KeyCacheLookups", { cache, outcome }, 1);
      },
    },
    procedure({ procedure, durationMs }) {
      record("ProcedureLatency", { procedure }, durationMs);
    },
    refusal(event) {
      record("Refusals", { code: event.code, reason: event.reason ?? event.kind ?? "none" }, 1);
      const unexpected = event.code === "INTERNAL_SERVER_ERROR";
      const fields = allowedLogFields(event);
      if (unexpected) logger.error("request failed", fields);
      else logger.warn("request refused", fields);
    },
    flush() {
      const byDimensions = new Map<string, (typeof pending extends Map<string, infer E> ? E : never)[]>();
      for (const entry of pending.values()) {
        const key = JSON.stringify(entry.dimensions);
        byDimensions.set(key, [...(byDimensions.get(key) ?? []), entry]);
      }
      pending.clear();
      for (const entries of byDimensions.values()) {
        const publisher = publisherFor(entries[0]!.dimensions);
        for (const { name, values } of entries)
          for (const value of values)
            publisher.addMetric(name, MetricUnit[metricDefinitions[name].unit], value);
        publisher.publishStoredMetrics();
      }
    },
  };
}
