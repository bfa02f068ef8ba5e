// Coffer against the AWS Encryption SDK (caching CMM, committing non-signing suite, KMS keyring on
// the same emulator), side by side. Targets (DESIGN §8), encrypt and decrypt: >= 25x at 64 B and
// 1 KiB, >= 5x at 1 MiB.
import { randomBytes } from "node:crypto";
import { systemClock } from "@coffer/core/clock";
import { createEnvelopeCrypto } from "@coffer/core/crypto";
import { createEsdk } from "../lib/esdk";
import { measureInterleaved } from "../lib/measure";
import { KiB, MiB, sizeLabel } from "../lib/sizes";
import { median, medianRatio } from "../lib/stats";
import type { Figure, Suite } from "../lib/suite";

const SIZES = [64, KiB, MiB];
const TARGETS: Record<number, number> = { 64: 25, [KiB]: 25, [MiB]: 5 };
const context = { tenant: "acme", purpose: "invoice" };

export const cryptoVsEsdk: Suite = {
  name: "crypto core vs the AWS Encryption SDK",
  async run({ settings, kms, log }) {
    const emulated = await kms();
    const coffer = createEnvelopeCrypto({ kms: emulated.kms, clock: systemClock, keys: emulated.ring });
    const esdk = createEsdk({ endpoint: emulated.emulator.url, keyArn: emulated.keys.default.arn });
    const figures: Figure[] = [];
    for (const size of SIZES) {
      const label = sizeLabel(size);
      const plaintext = randomBytes(size);
      const envelope = await coffer.encrypt({ keyName: "default", plaintext, context });
      const message = await esdk.encrypt(plaintext, context);
      if (!(await esdk.decrypt(message)).equals(plaintext)) throw new Error("the ESDK did not round-trip");
      await coffer.decrypt({ envelope, context });

      log(`esdk ${label}: encrypt`);
      const encrypt = await measureInterleaved(
        {
          coffer: () => coffer.encrypt({ keyName: "default", plaintext, context }),
          esdk: () => esdk.encrypt(plaintext, context),
        },
        settings,
      );
      log(`esdk ${label}: decrypt`);
      const decrypt = await measureInterleaved(
        {
          coffer: () => coffer.decrypt({ envelope, context }),
          esdk: () => esdk.decrypt(message),
        },
        settings,
      );
      figures.push(
        {
          name: `crypto.encrypt.${label}.vs_esdk`,
          value: medianRatio(encrypt.coffer, encrypt.esdk),
          unit: "ratio",
          target: { atLeast: TARGETS[size]! },
        },
        {
          name: `crypto.decrypt.${label}.vs_esdk`,
          value: medianRatio(decrypt.coffer, decrypt.esdk),
          unit: "ratio",
          target: { atLeast: TARGETS[size]! },
        },
        { name: `crypto.encrypt.${label}.esdk_ops_per_s`, value: median(encrypt.esdk), unit: "ops/s" },
        { name: `crypto.decrypt.${label}.esdk_ops_per_s`, value: median(decrypt.esdk), unit: "ops/s" },
        { name: `crypto.envelope.${label}.overhead_bytes`, value: envelope.length - size, unit: "bytes" },
        { name: `crypto.esdk_message.${label}.overhead_bytes`, value: message.length - size, unit: "bytes" },
      );
    }
    return figures;
  },
};
