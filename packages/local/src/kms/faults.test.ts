// How fault rules stack and expire, without HTTP.
import { describe, expect, test } from "vitest";
import { createFaults } from "./faults";
import { createRandomSource } from "./random";

function faultsFor(resolve: Record<string, string> = {}) {
  const refusing: boolean[] = [];
  const faults = createFaults({
    random: createRandomSource("faults"),
    now: () => 0,
    resolveKeyId: (keyId) => resolve[keyId],
    onRefusingChange: (isRefusing) => refusing.push(isRefusing),
  });
  return { faults, refusing };
}

const request = { operation: "Decrypt", keyIds: () => ["key-1"] };

describe("stacking", () => {
  test("latencies add up; the first matching terminal rule answers and only it is used up", () => {
    const { faults } = faultsFor();
    faults.add({ kind: "latency", ms: 10, count: 1 });
    faults.add({ kind: "latency", ms: 5 });
    faults.add({ kind: "throttle", count: 1 });
    const second = faults.add({ kind: "error", type: "KMSInternalException", status: 500, count: 1 });

    const first = faults.decide(request);
    expect(first.delayMs).toBe(15);
    expect(first.outcome).toMatchObject({
      kind: "respond",
      error: { type: "ThrottlingException", status: 400 },
    });

    const next = faults.decide(request);
    expect(next.delayMs).toBe(5);
    expect(next.outcome).toMatchObject({
      kind: "respond",
      error: { type: "KMSInternalException", status: 500 },
    });
    expect(faults.list().map((entry) => entry.id)).not.toContain(second);
    expect(faults.decide(request)).toEqual({ delayMs: 5 });
  });

  test("a rule scoped to a key matches only requests touching it; an unknown key matches nothing", () => {
    const { faults } = faultsFor({ "alias/a": "key-1", "alias/b": "key-2" });
    faults.add({ kind: "blackhole", keyId: "alias/b" });
    faults.add({ kind: "blackhole", keyId: "alias/none" });
    expect(faults.decide(request).outcome).toBeUndefined();
    faults.add({ kind: "unavailable", mode: "hangup", keyId: "alias/a", operation: ["Encrypt", "Decrypt"] });
    expect(faults.decide(request).outcome).toEqual({ kind: "hangup" });
    expect(faults.decide({ operation: "Encrypt", keyIds: () => [] }).outcome).toBeUndefined();
  });
});

describe("rule checks", () => {
  test("an error type must fit in a header", () => {
    const { faults } = faultsFor();
    expect(() => faults.add({ kind: "error", type: "Bad\r\nHeader", status: 500 })).toThrow(
      /letters, digits/,
    );
    expect(() =>
      faults.add({ kind: "error", type: "com.amazonaws.kms#DisabledException", status: 400 }),
    ).not.toThrow();
  });
});

describe("refusing", () => {
  test("is reported once when the first refuse rule arrives and once when the last one goes", () => {
    const { faults, refusing } = faultsFor();
    const one = faults.add({ kind: "unavailable", mode: "refuse" });
    const two = faults.add({ kind: "unavailable", mode: "refuse" });
    expect(faults.decide(request)).toEqual({ delayMs: 0 });
    faults.remove(one);
    expect(refusing).toEqual([true]);
    faults.remove(two);
    expect(refusing).toEqual([true, false]);
  });
});
