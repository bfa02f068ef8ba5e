// Fault injection (spec §7): rules that slow, refuse or break requests, switchable at run time. Rules
// stack: every matching latency adds up, then the first matching terminal rule (throttle, error,
// unavailable, blackhole) decides the answer. A rule with `count` applies to that many requests and
// then expires; only a rule that actually applied uses up its count.
import { readBlobHeader } from "./blob";
import { KmsError, kmsError } from "./errors";
import { checkFaultRule, type FaultRule } from "./fault-rule";
import type { RequestBody } from "./input";
import type { RandomSource } from "./random";

export type { FaultRule } from "./fault-rule";

export type FaultOutcome = { kind: "respond"; error: KmsError } | { kind: "hangup" } | { kind: "blackhole" };

export interface FaultDecision {
  delayMs: number;
  outcome?: FaultOutcome;
}

export interface FaultRequest {
  operation: string;
  /** Key UUIDs the request touches; only asked for when a rule is scoped to a key. */
  keyIds(): readonly string[];
}

interface FaultDeps {
  random: RandomSource;
  now(): number;
  /** UUID of the key a rule's `keyId` names today (aliases can move), or undefined. */
  resolveKeyId(keyId: string): string | undefined;
  /** Called whenever the emulator should start or stop refusing connections. */
  onRefusingChange(isRefusing: boolean): void;
}

interface ActiveRule {
  rule: FaultRule;
  remaining?: number;
  timer?: NodeJS.Timeout;
  /** Token buckets of a rate-limited throttle, per operation. */
  buckets: Map<string, { tokens: number; updatedAt: number }>;
}

export function createFaults({ random, now, resolveKeyId, onRefusingChange }: FaultDeps) {
  const active = new Map<string, ActiveRule>();
  let nextId = 1;
  let wasRefusing = false;

  const isRefusing = () => [...active.values()].some(({ rule }) => isRefuse(rule));
  function refusingMayHaveChanged() {
    const isRefusingNow = isRefusing();
    if (isRefusingNow !== wasRefusing) onRefusingChange((wasRefusing = isRefusingNow));
  }

  function remove(id: string): void {
    const entry = active.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    active.delete(id);
    refusingMayHaveChanged();
  }

  function add(input: FaultRule): string {
    const rule = checkFaultRule(input);
    const id = `fault-${nextId++}`;
    const entry: ActiveRule = { rule, remaining: rule.count, buckets: new Map() };
    if (rule.durationMs !== undefined) {
      entry.timer = setTimeout(() => remove(id), rule.durationMs);
      entry.timer.unref();
    }
    active.set(id, entry);
    refusingMayHaveChanged();
    return id;
  }

  function matches({ rule }: ActiveRule, request: FaultRequest): boolean {
    const operations = rule.operation === undefined ? undefined : [rule.operation].flat();
    if (operations && !operations.includes(request.operation)) return false;
    if (rule.keyId !== undefined) {
      const target = resolveKeyId(rule.keyId);
      if (target === undefined || !request.keyIds().includes(target)) return false;
    }
    return rule.probability === undefined || random.fraction() < rule.probability;
  }

  function isUnderRate(entry: ActiveRule, operation: string, ratePerSecond: number): boolean {
    const time = now();
    const bucket = entry.buckets.get(operation) ?? { tokens: ratePerSecond, updatedAt: time };
    bucket.tokens = Math.min(
      ratePerSecond,
      bucket.tokens + ((time - bucket.updatedAt) / 1000) * ratePerSecond,
    );
    bucket.updatedAt = time;
    entry.buckets.set(operation, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  function use(id: string, entry: ActiveRule): void {
    if (entry.remaining === undefined) return;
    entry.remaining -= 1;
    if (entry.remaining <= 0) remove(id);
  }

  function decide(request: FaultRequest): FaultDecision {
    const decision: FaultDecision = { delayMs: 0 };
    for (const [id, entry] of [...active]) {
      const { rule } = entry;
      if (isRefuse(rule) || (decision.outcome && rule.kind !== "latency") || !matches(entry, request))
        continue;
      if (rule.kind === "latency") {
        decision.delayMs +=
          "ms" in rule ? rule.ms : rule.minMs + random.fraction() * (rule.maxMs - rule.minMs);
      } else if (rule.kind === "throttle") {
        if (rule.ratePerSecond !== undefined && isUnderRate(entry, request.operation, rule.ratePerSecond))
          continue;
        decision.outcome = { kind: "respond", error: kmsError("ThrottlingException", "Rate exceeded") };
      } else if (rule.kind === "error") {
        const message = rule.message ?? `Injected fault: ${rule.type}`;
        decision.outcome = { kind: "respond", error: new KmsError(rule.type, message, rule.status) };
      } else if (rule.kind === "unavailable") {
        decision.outcome =
          rule.mode === "hangup"
            ? { kind: "hangup" }
            : { kind: "respond", error: kmsError("ServiceUnavailableException", "Service Unavailable") };
      } else {
        decision.outcome = { kind: "blackhole" };
      }
      use(id, entry);
    }
    return decision;
  }

  return {
    add,
    remove,
    clear() {
      for (const id of [...active.keys()]) remove(id);
    },
    list: () => [...active].map(([id, { rule, remaining }]) => ({ id, rule, remaining })),
    decide,
  };
}

export type Faults = ReturnType<typeof createFaults>;

const isRefuse = (rule: FaultRule) => rule.kind === "unavailable" && rule.mode === "refuse";

/**
 * The UUIDs of the keys a request touches, whatever id form it used: KeyId, the source, destination
 * and alias target, and the key named inside a symmetric blob.
 */
export function touchedKeyIds(body: RequestBody, findKeyId: (keyId: string) => string | undefined): string[] {
  const named = ["KeyId", "SourceKeyId", "DestinationKeyId", "TargetKeyId"]
    .map((field) => body[field])
    .filter((value): value is string => typeof value === "string")
    .map(findKeyId);
  const blob = body.CiphertextBlob;
  const inBlob = typeof blob === "string" ? readBlobHeader(Buffer.from(blob, "base64"))?.keyId : undefined;
  return [...named, inBlob].filter((id): id is string => id !== undefined);
}
