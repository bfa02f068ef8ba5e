import type { Clock } from "../clock";
import { CofferError } from "../errors";
import { withTimeout } from "../timeout";

// Health, in two answers. The public one says up or down and nothing else, from a check that each
// instance runs at most once per `cacheMs` (concurrent callers share the check in flight), so
// that anyone calling it, even 200 times in one batch, spends at most one KMS and one DynamoDB
// call per instance and period. The detailed report (each dependency, its latency, stage and
// version) is for administrators.

export interface DependencyCheck {
  ok: boolean;
  latencyMs: number;
}

export interface HealthReport {
  status: "ok" | "down";
  stage: string;
  version: string;
  checks: Record<string, DependencyCheck>;
}

export interface HealthDeps {
  clock: Clock;
  stage: string;
  version: string;
  /** Named real round trips, e.g. { kms: () => kms.describeKey(id), dynamodb: () => pingTable(...) }. */
  probes: Record<string, () => Promise<unknown>>;
  timeoutMs?: number;
  /** How long an instance reuses its last check for public callers. */
  cacheMs?: number;
}

const displayNames: Record<string, string> = { kms: "KMS", dynamodb: "DynamoDB" };

export function createHealthService({
  clock,
  stage,
  version,
  probes,
  timeoutMs = 2_000,
  cacheMs = 5_000,
}: HealthDeps) {
  async function probe(run: () => Promise<unknown>): Promise<DependencyCheck> {
    const started = clock.now();
    try {
      await withTimeout(run(), timeoutMs);
      return { ok: true, latencyMs: clock.now() - started };
    } catch {
      return { ok: false, latencyMs: clock.now() - started };
    }
  }

  /** Checks every dependency for real, now. */
  async function report(): Promise<HealthReport> {
    const names = Object.keys(probes);
    const results = await Promise.all(names.map((name) => probe(probes[name]!)));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
    const isUp = results.every((check) => check.ok);
    return { status: isUp ? "ok" : "down", stage, version, checks };
  }

  let cached: { at: number; report: Promise<HealthReport> } | undefined;
  function cachedReport(): Promise<HealthReport> {
    if (!cached || clock.now() - cached.at >= cacheMs) cached = { at: clock.now(), report: report() };
    return cached.report;
  }

  /** For anyone: up, or "unavailable" without saying what is down. */
  async function status(): Promise<{ status: "up" }> {
    if ((await cachedReport()).status !== "ok")
      throw new CofferError("unavailable", "Coffer is unavailable. Retry shortly.", {
        reason: "service_down",
      });
    return { status: "up" };
  }

  /** For administrators: a fresh report; "unavailable" naming the dependencies that are down. */
  async function details(): Promise<HealthReport> {
    const fresh = await report();
    const down = Object.keys(fresh.checks).filter((name) => !fresh.checks[name]!.ok);
    if (down.length > 0) {
      const list = down.map((name) => displayNames[name] ?? name).join(" and ");
      throw new CofferError(
        "unavailable",
        `${list} ${down.length > 1 ? "are" : "is"} unreachable. Retry shortly.`,
        {
          reason: "dependency_down",
          details: { ...fresh, down },
        },
      );
    }
    return fresh;
  }

  return { status, details };
}

export type HealthService = ReturnType<typeof createHealthService>;
