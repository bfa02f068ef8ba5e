// Coffer's encrypt and decrypt (cache warm, KMS emulator behind it) against raw AES-256-GCM with a
// cached key, in the same process. Targets (DESIGN §8): at 1 MiB at least 0.92 of raw both ways; at
// 1 KiB at least 0.60 for encrypt and 0.45 for decrypt. Encrypt is also
// compared with a raw baseline that uses Coffer's 256 KiB update() steps (vs_raw_chunked), so that
// a gain from buffer handling is not mistaken for Coffer having no overhead.
import { randomBytes } from "node:crypto";
import { systemClock } from "@coffer/core/clock";
import { createEnvelopeCrypto } from "@coffer/core/crypto";
import { measureInterleaved } from "../lib/measure";
import { createRawGcm } from "../lib/raw-gcm";
import { KiB, MiB, sizeLabel } from "../lib/sizes";
import { median, medianRatio } from "../lib/stats";
import type { Figure, Suite } from "../lib/suite";

const SIZES = [64, KiB, 64 * KiB, MiB];
const TARGETS: Record<number, { encrypt: number; decrypt: number }> = {
  [KiB]: { encrypt: 0.6, decrypt: 0.45 },
  [MiB]: { encrypt: 0.92, decrypt: 0.92 },
};
const context = { tenant: "acme", purpose: "invoice" };

export const cryptoVsRaw: Suite = {
  name: "crypto core vs raw AES-256-GCM",
  async run({ settings, kms, log }) {
    const { kms: port, ring } = await kms();
    const coffer = createEnvelopeCrypto({ kms: port, clock: systemClock, keys: ring });
    const raw = createRawGcm();
    const figures: Figure[] = [];
    for (const size of SIZES) {
      const label = sizeLabel(size);
      const plaintext = randomBytes(size);
      const envelope = await coffer.encrypt({ keyName: "default", plaintext, context });
      const rawMessage = raw.encrypt(plaintext);
      await coffer.decrypt({ envelope, context }); // fills the unwrapped-key cache

      log(`crypto ${label}: encrypt`);
      const encrypt = await measureInterleaved(
        {
          coffer: () => coffer.encrypt({ keyName: "default", plaintext, context }),
          raw: () => raw.encrypt(plaintext),
          rawChunked: () => raw.encryptChunked(plaintext),
        },
        settings,
      );
      log(`crypto ${label}: decrypt`);
      const decrypt = await measureInterleaved(
        {
          coffer: () => coffer.decrypt({ envelope, context }),
          raw: () => raw.decrypt(rawMessage),
        },
        settings,
      );
      const encryptTarget = TARGETS[size] && { atLeast: TARGETS[size].encrypt };
      const decryptTarget = TARGETS[size] && { atLeast: TARGETS[size].decrypt };
      figures.push(
        {
          name: `crypto.encrypt.${label}.vs_raw`,
          value: medianRatio(encrypt.coffer, encrypt.raw),
          unit: "ratio",
          ...(encryptTarget && { target: encryptTarget }),
        },
        {
          name: `crypto.encrypt.${label}.vs_raw_chunked`,
          value: medianRatio(encrypt.coffer, encrypt.rawChunked),
          unit: "ratio",
        },
        {
          name: `crypto.decrypt.${label}.vs_raw`,
          value: medianRatio(decrypt.coffer, decrypt.raw),
          unit: "ratio",
          ...(decryptTarget && { target: decryptTarget }),
        },
        { name: `crypto.encrypt.${label}.coffer_ops_per_s`, value: median(encrypt.coffer), unit: "ops/s" },
        { name: `crypto.encrypt.${label}.raw_ops_per_s`, value: median(encrypt.raw), unit: "ops/s" },
        { name: `crypto.decrypt.${label}.coffer_ops_per_s`, value: median(decrypt.coffer), unit: "ops/s" },
        { name: `crypto.decrypt.${label}.raw_ops_per_s`, value: median(decrypt.raw), unit: "ops/s" },
      );
    }
    return figures;
  },
};
