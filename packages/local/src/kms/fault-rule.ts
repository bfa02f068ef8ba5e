// What a fault rule may say, and the check every rule passes before it is added, whether it comes
// from code or from the HTTP control surface.

export interface FaultScope {
  /** Only these operations ("GenerateDataKey", ...); every operation when absent. */
  operation?: string | string[];
  /** Only requests that touch this key (as KeyId, a source/destination/target, or inside the blob). Any id form. */
  keyId?: string;
  /** Apply to the next `count` matching requests, then expire. */
  count?: number;
  /** Apply to each matching request with this probability, 0..1. */
  probability?: number;
  /** Expire after this many real milliseconds. The way to end a `refuse` rule over HTTP. */
  durationMs?: number;
}

export type FaultRule = FaultScope &
  (
    | { kind: "latency"; ms: number }
    | { kind: "latency"; minMs: number; maxMs: number }
    /** `ThrottlingException` with status 400; with `ratePerSecond`, only above that rate per operation. */
    | { kind: "throttle"; ratePerSecond?: number }
    /** Any `__type` with any status, e.g. 500 `KMSInternalException`, 400 `AccessDeniedException`. */
    | { kind: "error"; type: string; status: number; message?: string }
    /** 503 with a JSON body (default), a destroyed socket, or no listener at all (ECONNREFUSED). */
    | { kind: "unavailable"; mode?: "status503" | "hangup" | "refuse" }
    /** Accept the request and never answer. */
    | { kind: "blackhole" }
  );

/** Validates a rule from code or from the HTTP control surface. Throws an Error saying what is wrong. */
export function checkFaultRule(input: unknown): FaultRule {
  if (typeof input !== "object" || input === null) throw new Error("A fault rule must be an object.");
  // Members set to undefined count as absent, so that `"ms" in rule` tells the latency forms apart.
  const rule = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  const fail = (why: string): never => {
    throw new Error(`Invalid fault rule: ${why}.`);
  };
  const isNumber = (value: unknown, min: number, max = Infinity) =>
    typeof value === "number" && Number.isFinite(value) && value >= min && value <= max;
  const optional = (field: string, check: (value: unknown) => boolean, what: string) => {
    if (rule[field] !== undefined && !check(rule[field])) fail(`${field} must be ${what}`);
  };

  optional("count", (value) => Number.isInteger(value) && isNumber(value, 1), "a positive integer");
  optional("probability", (value) => isNumber(value, 0, 1), "a number from 0 to 1");
  optional("durationMs", (value) => isNumber(value, 0), "a number of milliseconds");
  optional("keyId", (value) => typeof value === "string" && value.length > 0, "a key id, ARN or alias");
  optional(
    "operation",
    (value) => [value].flat().every((name) => typeof name === "string" && name.length > 0),
    "an operation name or a list of them",
  );
  switch (rule.kind) {
    case "latency":
      if ("ms" in rule) optional("ms", (value) => isNumber(value, 0), "a number of milliseconds");
      else if (!isNumber(rule.minMs, 0) || !isNumber(rule.maxMs, rule.minMs as number))
        fail("latency needs ms, or minMs and maxMs with minMs <= maxMs");
      break;
    case "throttle":
      optional("ratePerSecond", (value) => isNumber(value, 0), "a non-negative number");
      break;
    case "error":
      // The type travels in the x-amzn-ErrorType header too, so it must be a valid header value.
      if (typeof rule.type !== "string" || !/^[A-Za-z0-9_.#:-]{1,128}$/.test(rule.type))
        fail("error needs a type such as KMSInternalException (letters, digits and _.#:- only)");
      if (!Number.isInteger(rule.status) || !isNumber(rule.status, 400, 599))
        fail("error needs a status from 400 to 599");
      optional("message", (value) => typeof value === "string", "a string");
      break;
    case "unavailable":
      optional(
        "mode",
        (value) => ["status503", "hangup", "refuse"].includes(value as string),
        "status503, hangup or refuse",
      );
      // A refused connection carries no request, so there is nothing to scope or count by.
      if (
        rule.mode === "refuse" &&
        ["operation", "keyId", "count", "probability"].some((field) => rule[field] !== undefined)
      )
        fail(
          "a refuse rule applies to every connection until removed (or durationMs); use mode hangup to scope it",
        );
      break;
    case "blackhole":
      break;
    default:
      fail("kind must be latency, throttle, error, unavailable or blackhole");
  }
  return structuredClone(rule) as FaultRule;
}
