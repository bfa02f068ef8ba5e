import type { Clock } from "../clock";
import { CofferError } from "../errors";
import { withTimeout } from "../timeout";

export interface DependencyCheck {
  ok: boolean;
  latencyMs: number;
}

export interface HealthReport {
  status: "ok";
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
}

const displayNames: Record<string, string> = { kms: "KMS", dynamodb: "DynamoDB" };

export function createHealthService({ clock, stage, version, probes, timeoutMs = 2_000 }: HealthDeps) {
  async function probe(run: () => Promise<unknown>): Promise<DependencyCheck> {
    const started = clock.now();
    try {
      await withTimeout(run(), timeoutMs);
      return { ok: true, latencyMs: clock.now() - started };
    } catch {
      return { ok: false, latencyMs: clock.now() - started };
    }
  }

  /** Checks every dependency for real; throws "unavailable" naming the ones that are down. */
  async function check(): Promise<HealthReport> {
    const names = Object.keys(probes);
    const results = await Promise.all(names.map((name) => probe(probes[name]!)));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
    const down = names.filter((name) => !checks[name]!.ok);
    const report: HealthReport = { status: "ok", stage, version, checks };
    if (down.length > 0) {
      const list = down.map((name) => displayNames[name] ?? name).join(" and ");
      throw new CofferError(
        "unavailable",
        `${list} ${down.length > 1 ? "are" : "is"} unreachable. Retry shortly.`,
        {
          reason: "dependency_down",
          details: { ...report, status: "down", down },
        },
      );
    }
    return report;
  }

  return { check };
}

export type HealthService = ReturnType<typeof createHealthService>;
