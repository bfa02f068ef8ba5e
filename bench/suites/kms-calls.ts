// KMS calls per 1,000 encrypts (and decrypts) under the default cache policy, from a cold cache,
// as the emulator counts them. Target: <= 1 per 1,000 encrypts. The ESDK's count under the same
// limits is reported beside it.
import { randomBytes } from "node:crypto";
import { systemClock } from "@coffer/core/clock";
import { createEnvelopeCrypto } from "@coffer/core/crypto";
import { createEsdk } from "../lib/esdk";
import type { Suite } from "../lib/suite";

const MESSAGES = 1_000;
const context = { tenant: "acme", purpose: "invoice" };

export const kmsCalls: Suite = {
  name: "KMS calls",
  async run({ kms, log }) {
    const emulated = await kms();
    const { emulator } = emulated;
    const total = () => Object.values(emulator.requestCounts()).reduce((sum, count) => sum + count, 0);
    const plaintexts = Array.from({ length: MESSAGES }, () => randomBytes(1024));

    log("kms: 1,000 Coffer encrypts and decrypts from cold caches");
    const writer = createEnvelopeCrypto({ kms: emulated.kms, clock: systemClock, keys: emulated.ring });
    emulator.resetCounts();
    const envelopes = [];
    for (const plaintext of plaintexts)
      envelopes.push(await writer.encrypt({ keyName: "default", plaintext, context }));
    const encryptCalls = total();
    const reader = createEnvelopeCrypto({ kms: emulated.kms, clock: systemClock, keys: emulated.ring });
    emulator.resetCounts();
    for (const envelope of envelopes) await reader.decrypt({ envelope, context });
    const decryptCalls = total();

    log("kms: 1,000 ESDK encrypts from a cold cache");
    const esdk = createEsdk({ endpoint: emulator.url, keyArn: emulated.keys.default.arn });
    emulator.resetCounts();
    for (const plaintext of plaintexts) await esdk.encrypt(plaintext, context);
    const esdkCalls = total();

    const perThousand = (calls: number) => (calls * 1000) / MESSAGES;
    return [
      {
        name: "kms.calls_per_1000_encrypts",
        value: perThousand(encryptCalls),
        unit: "calls",
        target: { atMost: 1 },
      },
      { name: "kms.calls_per_1000_decrypts", value: perThousand(decryptCalls), unit: "calls" },
      { name: "kms.esdk_calls_per_1000_encrypts", value: perThousand(esdkCalls), unit: "calls" },
    ];
  },
};
