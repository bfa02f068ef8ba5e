import type { Clock } from "../clock";
import { CofferError } from "../errors";
import type { KmsOperation, KmsOutcome, Telemetry } from "../telemetry";
import type { Kms } from "./port";

// A Kms that reports each call (operation, outcome, duration) to telemetry and otherwise is the Kms
// it wraps. Arguments and results never reach telemetry: only the operation's name.

// Adding a call to the port without listing it here (and in telemetry's kmsOperations) won't compile.
const OPERATIONS = {
  generateDataKey: true,
  generateWrappedDataKey: true,
  decrypt: true,
  reEncrypt: true,
  describeKey: true,
  getPublicKey: true,
  decryptRsa: true,
  rotateKeyOnDemand: true,
  listKeyRotations: true,
} as const satisfies Record<keyof Kms, true> & Record<KmsOperation, true>;

export function observeKms(kms: Kms, { telemetry, clock }: { telemetry: Telemetry; clock: Clock }): Kms {
  const observe =
    <A extends unknown[], R>(operation: KmsOperation, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const startedAt = clock.now();
      let outcome: KmsOutcome = "failed";
      try {
        const result = await call(...args);
        outcome = "ok";
        return result;
      } catch (error) {
        if (error instanceof CofferError && error.reason === "kms_throttled") outcome = "throttled";
        throw error;
      } finally {
        telemetry.kmsCall({ operation, outcome, durationMs: clock.now() - startedAt });
      }
    };
  const operations = Object.keys(OPERATIONS) as (keyof Kms)[];
  // Looked up at call time, so the wrapped Kms may be a partial test double.
  const forward =
    (operation: keyof Kms) =>
    (...args: unknown[]) =>
      (kms[operation] as (...args: unknown[]) => Promise<unknown>).apply(kms, args);
  return Object.fromEntries(
    operations.map((operation) => [operation, observe(operation, forward(operation))]),
  ) as unknown as Kms;
}
