// Local mode (@coffer/client/node's coffer.local: envelopes made in the caller's process with data
// keys from Coffer) against raw AES-256-GCM with a cached key and against the AWS Encryption SDK
// (caching CMM, committing non-signing suite), both fed by KMS on the same emulator; and the Coffer
// API calls that local encrypts cost. Targets (issue 18): 1 KiB encrypt >= 0.60 and decrypt >= 0.45
// of raw, 1 MiB >= 0.92 both ways; >= 25x the ESDK at 64 B and 1 KiB; <= 1 API call per 10,000
// local encrypts under the default policy.
import { randomBytes } from "node:crypto";
import { systemClock } from "@coffer/core/clock";
import { createLocalEnvelopeCrypto } from "@coffer/core/crypto";
import { createEsdk } from "../lib/esdk";
import { createInProcessLocalApi } from "../lib/local-api";
import { measureInterleaved } from "../lib/measure";
import { createRawGcm } from "../lib/raw-gcm";
import { KiB, MiB, sizeLabel } from "../lib/sizes";
import { median, medianRatio } from "../lib/stats";
import type { Figure, Suite } from "../lib/suite";

const SIZES = [64, KiB, 64 * KiB, MiB];
const RAW_TARGETS: Record<number, { encrypt: number; decrypt: number }> = {
  [KiB]: { encrypt: 0.6, decrypt: 0.45 },
  [MiB]: { encrypt: 0.92, decrypt: 0.92 },
};
const ESDK_TARGETS: Record<number, number> = { 64: 25, [KiB]: 25 };
const context = { tenant: "acme", purpose: "invoice" };
const ENCRYPTS = 10_000;

export const localMode: Suite = {
  name: "local mode vs raw AES-256-GCM and the AWS Encryption SDK",
  async run({ settings, kms, log }) {
    const emulated = await kms();
    const figures: Figure[] = [];

    // API calls: 10,000 local encrypts (1 KiB) from a cold cache, then their decrypts by a fresh
    // client, under the default policy; in KMS mode with one context, in derived mode with a
    // context per message.
    for (const [mode, contextOf] of [
      ["kms", () => context],
      ["derived", (i: number) => ({ recordId: `r-${i}` })],
    ] as const) {
      log(`local: ${mode} mode, API calls for ${ENCRYPTS} encrypts and decrypts`);
      const writer = createInProcessLocalApi(emulated, mode);
      const local = createLocalEnvelopeCrypto({ api: writer.api, clock: systemClock });
      const plaintext = randomBytes(KiB);
      const envelopes: Buffer[] = [];
      for (let i = 0; i < ENCRYPTS; i++)
        envelopes.push(await local.encrypt({ keyName: "default", plaintext, context: contextOf(i) }));
      const reader = createInProcessLocalApi(emulated, mode);
      const fresh = createLocalEnvelopeCrypto({ api: reader.api, clock: systemClock });
      for (let i = 0; i < ENCRYPTS; i++)
        await fresh.decrypt({ envelope: envelopes[i]!, context: contextOf(i) });
      const which = mode === "kms" ? "one_context" : "context_per_message";
      figures.push(
        {
          name: `local.${mode}.${which}.api_calls_per_10000_encrypts`,
          value: (writer.calls.issue * 10_000) / ENCRYPTS,
          unit: "calls",
          target: { atMost: 1 },
        },
        {
          name: `local.${mode}.${which}.api_calls_per_10000_decrypts`,
          value: (reader.calls.open * 10_000) / ENCRYPTS,
          unit: "calls",
        },
      );
    }

    const { api } = createInProcessLocalApi(emulated, "kms");
    const local = createLocalEnvelopeCrypto({ api, clock: systemClock });
    const raw = createRawGcm();
    const esdk = createEsdk({ endpoint: emulated.emulator.url, keyArn: emulated.keys.default.arn });
    for (const size of SIZES) {
      const label = sizeLabel(size);
      const plaintext = randomBytes(size);
      const envelope = await local.encrypt({ keyName: "default", plaintext, context });
      await local.decrypt({ envelope, context }); // fills the unwrapped-key cache
      const rawMessage = raw.encrypt(plaintext);
      const message = await esdk.encrypt(plaintext, context);
      await esdk.decrypt(message);

      // Two passes per direction, each of two sides, as in the core suites (crypto-vs-raw.ts,
      // crypto-vs-esdk.ts): the ESDK is 10-100x slower than the other two, so in one pass with
      // them its batches take most of each slice and leave local and raw a few batches per
      // repetition (about 13 instead of 35-90 at 1 MiB; docs/benchmarks.md).
      const encrypt = () => local.encrypt({ keyName: "default", plaintext, context });
      const decrypt = () => local.decrypt({ envelope, context });
      log(`local ${label}: encrypt vs raw`);
      const encryptRaw = await measureInterleaved(
        { local: encrypt, raw: () => raw.encrypt(plaintext) },
        settings,
      );
      log(`local ${label}: decrypt vs raw`);
      const decryptRaw = await measureInterleaved(
        { local: decrypt, raw: () => raw.decrypt(rawMessage) },
        settings,
      );
      log(`local ${label}: encrypt vs ESDK`);
      const encryptEsdk = await measureInterleaved(
        { local: encrypt, esdk: () => esdk.encrypt(plaintext, context) },
        settings,
      );
      log(`local ${label}: decrypt vs ESDK`);
      const decryptEsdk = await measureInterleaved(
        { local: decrypt, esdk: () => esdk.decrypt(message) },
        settings,
      );
      const rawTarget = RAW_TARGETS[size];
      const esdkTarget = ESDK_TARGETS[size];
      figures.push(
        {
          name: `local.encrypt.${label}.vs_raw`,
          value: medianRatio(encryptRaw.local, encryptRaw.raw),
          unit: "ratio",
          ...(rawTarget && { target: { atLeast: rawTarget.encrypt } }),
        },
        {
          name: `local.decrypt.${label}.vs_raw`,
          value: medianRatio(decryptRaw.local, decryptRaw.raw),
          unit: "ratio",
          ...(rawTarget && { target: { atLeast: rawTarget.decrypt } }),
        },
        {
          name: `local.encrypt.${label}.vs_esdk`,
          value: medianRatio(encryptEsdk.local, encryptEsdk.esdk),
          unit: "ratio",
          ...(esdkTarget && { target: { atLeast: esdkTarget } }),
        },
        {
          name: `local.decrypt.${label}.vs_esdk`,
          value: medianRatio(decryptEsdk.local, decryptEsdk.esdk),
          unit: "ratio",
          ...(esdkTarget && { target: { atLeast: esdkTarget } }),
        },
        { name: `local.encrypt.${label}.ops_per_s`, value: median(encryptRaw.local), unit: "ops/s" },
        { name: `local.decrypt.${label}.ops_per_s`, value: median(decryptRaw.local), unit: "ops/s" },
      );
    }
    return figures;
  },
};
