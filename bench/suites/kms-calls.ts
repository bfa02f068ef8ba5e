// KMS calls per 1,000 encrypts of 1 KiB (from a cold cache) and per 1,000 decrypts of those
// envelopes (by a fresh instance), under the default cache policy, as the emulator counts them:
// in both modes, with one context, 100 contexts (tenants) and a context per message (recordId).
// Targets: KMS mode, one context <= 1 per 1,000 encrypts; derived mode, a context per message
// <= 1 per 1,000 encrypts and per 1,000 decrypts. The ESDK's count (caching CMM, same limits, one
// context) is reported beside them.
import { randomBytes } from "node:crypto";
import { systemClock } from "@coffer/core/clock";
import type { EnvelopeMode } from "@coffer/core/config";
import { createEnvelopeCrypto, type EnvelopeKeyRing } from "@coffer/core/crypto";
import { createEsdk } from "../lib/esdk";
import type { Figure, Suite } from "../lib/suite";

const MESSAGES = 1_000;
const context = { tenant: "acme", purpose: "invoice" };

const scenarios: Array<{ name: string; contextOf: (i: number) => Record<string, string> }> = [
  { name: "one_context", contextOf: () => context },
  { name: "100_contexts", contextOf: (i) => ({ tenant: `tenant-${i % 100}`, purpose: "invoice" }) },
  { name: "context_per_message", contextOf: (i) => ({ recordId: `r-${i}` }) },
];

/** The emulator's catalog ring with every key in `mode`. */
function ringIn(ring: EnvelopeKeyRing, mode: EnvelopeMode): EnvelopeKeyRing {
  return {
    encryptionKey: async (name) => ({ ...(await ring.encryptionKey(name)), mode }),
    decryptionKey: async (name, version) => ({ ...(await ring.decryptionKey(name, version)), mode }),
  };
}

export const kmsCalls: Suite = {
  name: "KMS calls",
  async run({ kms, log }) {
    const emulated = await kms();
    const { emulator } = emulated;
    const total = () => Object.values(emulator.requestCounts()).reduce((sum, count) => sum + count, 0);
    const plaintexts = Array.from({ length: MESSAGES }, () => randomBytes(1024));
    const perThousand = (calls: number) => (calls * 1000) / MESSAGES;
    const figures: Figure[] = [];

    for (const mode of ["kms", "derived"] as const) {
      const keys = ringIn(emulated.ring, mode);
      for (const { name, contextOf } of scenarios) {
        log(`kms: ${mode} mode, ${name}: 1,000 encrypts and decrypts from cold caches`);
        const writer = createEnvelopeCrypto({ kms: emulated.kms, clock: systemClock, keys });
        emulator.resetCounts();
        const envelopes = [];
        for (let i = 0; i < MESSAGES; i++)
          envelopes.push(
            await writer.encrypt({ keyName: "default", plaintext: plaintexts[i]!, context: contextOf(i) }),
          );
        const encryptCalls = total();
        const reader = createEnvelopeCrypto({ kms: emulated.kms, clock: systemClock, keys });
        emulator.resetCounts();
        for (let i = 0; i < MESSAGES; i++)
          await reader.decrypt({ envelope: envelopes[i]!, context: contextOf(i) });
        const decryptCalls = total();
        const targeted =
          (mode === "kms" && name === "one_context") || (mode === "derived" && name !== "one_context");
        const target = targeted ? { target: { atMost: 1 } } : {};
        figures.push(
          {
            name: `kms.${mode}.${name}.calls_per_1000_encrypts`,
            value: perThousand(encryptCalls),
            unit: "calls",
            ...target,
          },
          {
            name: `kms.${mode}.${name}.calls_per_1000_decrypts`,
            value: perThousand(decryptCalls),
            unit: "calls",
            ...target,
          },
        );
      }
    }

    log("kms: 1,000 ESDK encrypts from a cold cache");
    const esdk = createEsdk({ endpoint: emulator.url, keyArn: emulated.keys.default.arn });
    emulator.resetCounts();
    for (const plaintext of plaintexts) await esdk.encrypt(plaintext, context);
    figures.push({ name: "kms.esdk_calls_per_1000_encrypts", value: perThousand(total()), unit: "calls" });
    return figures;
  },
};
