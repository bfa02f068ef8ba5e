import { expect, test } from "vitest";
import { manualClock } from "../clock";
import { CofferError } from "../errors";
import type { KmsOperation, KmsOutcome } from "../telemetry";
import { observeKms } from "./observed";
import type { Kms } from "./port";

test("every KMS call is reported with its operation, outcome and duration, and passes through unchanged", async () => {
  const clock = manualClock(0);
  const calls: { operation: KmsOperation; outcome: KmsOutcome; durationMs: number }[] = [];
  const throttled = new CofferError("rate_limited", "busy", { reason: "kms_throttled" });
  const inner = {
    describeKey: async (keyId: string) => {
      clock.advance(7);
      return { arn: `arn:${keyId}`, state: "Enabled" };
    },
    decrypt: async () => {
      throw throttled;
    },
    getPublicKey: async () => {
      throw new Error("boom");
    },
  } as unknown as Kms;
  const kms = observeKms(inner, {
    clock,
    telemetry: { kmsCall: (call) => calls.push(call), keyCache: () => {} },
  });

  await expect(kms.describeKey("k")).resolves.toEqual({ arn: "arn:k", state: "Enabled" });
  await expect(kms.decrypt({ wrapped: new Uint8Array(1), context: {} })).rejects.toBe(throttled);
  await expect(kms.getPublicKey("seal")).rejects.toThrow("boom");
  expect(calls).toEqual([
    { operation: "describeKey", outcome: "ok", durationMs: 7 },
    { operation: "decrypt", outcome: "throttled", durationMs: 0 },
    { operation: "getPublicKey", outcome: "failed", durationMs: 0 },
  ]);
});
