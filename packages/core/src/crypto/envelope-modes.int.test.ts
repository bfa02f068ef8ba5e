// The two modes end to end against the real KMS emulator: KMS calls that do not grow with the
// number of contexts in derived mode, the same refusals as KMS mode, and envelopes made before
// salts were kept per data key (a salt per message) still opening.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { manualClock } from "../clock";
import type { EnvelopeMode } from "../config";
import { CofferError } from "../errors";
import { encodeContext, kmsContextFor } from "./context";
import { sealWithDataKey } from "./envelope";
import { ALGORITHM_ID, parseEnvelope } from "./format";
import { createEnvelopeCrypto, inspectEnvelope, type EnvelopeKeyRing } from "./index";
import { newSalt } from "./nonces";
import { startEmulatedKms, type EmulatedKms } from "@coffer/testkit/emulated-kms";

let kms: EmulatedKms;
beforeAll(async () => void (kms = await startEmulatedKms()));
afterAll(() => kms.close());
beforeEach(() => kms.emulator.resetCounts());

const text = (value: string) => Buffer.from(value);

/** The emulator's catalog ring with every key in `mode`, at `version`. */
function ringIn(mode: EnvelopeMode, version = 1): EnvelopeKeyRing {
  const at = async (name: string, v: number) => ({
    ...(await kms.ring.encryptionKey(name)),
    mode,
    version: v,
  });
  return { encryptionKey: (name) => at(name, version), decryptionKey: at };
}

const service = (mode: EnvelopeMode, version = 1) =>
  createEnvelopeCrypto({ kms: kms.kms, clock: manualClock(0), keys: ringIn(mode, version) });

const reasonOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: unknown) =>
      error instanceof CofferError ? `${error.kind}/${error.reason}` : `not a CofferError: ${String(error)}`,
  );

/** `count` encrypts by one instance and as many decrypts by a fresh one; the KMS calls of each. */
async function kmsCallsFor(
  mode: EnvelopeMode,
  count: number,
  contextOf: (i: number) => Record<string, string>,
) {
  const writer = service(mode);
  kms.emulator.resetCounts();
  const envelopes = [];
  for (let i = 0; i < count; i++)
    envelopes.push(
      await writer.encrypt({ keyName: "default", plaintext: text(`m${i}`), context: contextOf(i) }),
    );
  const encrypts = kms.calls("GenerateDataKey");
  const reader = service(mode);
  kms.emulator.resetCounts();
  for (let i = 0; i < count; i++) {
    const { plaintext } = await reader.decrypt({ envelope: envelopes[i]!, context: contextOf(i) });
    expect(plaintext.toString()).toBe(`m${i}`);
  }
  return { encrypts, decrypts: kms.calls("Decrypt") };
}

describe("derived mode", () => {
  test("a context per message: 1,000 encrypts and 1,000 decrypts cost one KMS call each (KMS mode: one per message)", async () => {
    const perMessage = (i: number) => ({ recordId: `r-${i}` });
    expect(await kmsCallsFor("derived", 1_000, perMessage)).toEqual({ encrypts: 1, decrypts: 1 });
    expect(await kmsCallsFor("kms", 50, perMessage)).toEqual({ encrypts: 50, decrypts: 50 });
  }, 60_000);

  test("the header names the mode, and the envelope opens only with its own context", async () => {
    const crypto = service("derived");
    const context = { tenant: "acme", purpose: "invoice" };
    const envelope = await crypto.encrypt({ keyName: "default", plaintext: text("secret"), context });
    expect(inspectEnvelope(envelope)).toMatchObject({ algorithmId: 2, mode: "derived", context });
    expect((await crypto.decrypt({ envelope, context })).plaintext).toEqual(text("secret"));
    kms.emulator.resetCounts();
    // Refused exactly as in KMS mode: same reason, before any KMS call.
    const kmsEnvelope = await service("kms").encrypt({ keyName: "default", plaintext: text("x"), context });
    kms.emulator.resetCounts();
    const others: Array<Record<string, string>> = [
      {},
      { tenant: "acme" },
      { ...context, purpose: "receipt" },
    ];
    for (const other of others) {
      const derivedReason = await reasonOf(service("derived").decrypt({ envelope, context: other }));
      const kmsReason = await reasonOf(service("kms").decrypt({ envelope: kmsEnvelope, context: other }));
      expect(derivedReason).toBe("invalid/context_mismatch");
      expect(derivedReason).toBe(kmsReason);
    }
    expect(kms.emulator.requestCounts()).toEqual({});
  });

  test("an edited header context (sent along by the caller) fails the commitment; KMS mode fails at KMS", async () => {
    const edit = (envelope: Buffer) => {
      const edited = Buffer.from(envelope);
      edited[parseEnvelope(envelope).aad.length - 1] = "b".charCodeAt(0);
      return edited;
    };
    const [derived, kmsMode] = [
      await service("derived").encrypt({ keyName: "default", plaintext: text("x"), context: { t: "a" } }),
      await service("kms").encrypt({ keyName: "default", plaintext: text("x"), context: { t: "a" } }),
    ];
    expect(await reasonOf(service("derived").decrypt({ envelope: edit(derived), context: { t: "b" } }))).toBe(
      "invalid/commitment_mismatch",
    );
    expect(await reasonOf(service("kms").decrypt({ envelope: edit(kmsMode), context: { t: "b" } }))).toBe(
      "invalid/wrapped_key_rejected",
    );
  });

  test("a changed algorithm id makes KMS refuse the data key, both ways", async () => {
    const context = { t: "a" };
    const flip = (envelope: Buffer, to: number) => {
      const edited = Buffer.from(envelope);
      edited[5] = to;
      return edited;
    };
    const derived = await service("derived").encrypt({ keyName: "default", plaintext: text("x"), context });
    const kmsMode = await service("kms").encrypt({ keyName: "default", plaintext: text("x"), context });
    expect(await reasonOf(service("kms").decrypt({ envelope: flip(derived, 1), context }))).toBe(
      "invalid/wrapped_key_rejected",
    );
    expect(await reasonOf(service("kms").decrypt({ envelope: flip(kmsMode, 2), context }))).toBe(
      "invalid/wrapped_key_rejected",
    );
  });

  test("the header, not the key's current mode, decides how an envelope opens", async () => {
    const context = { t: "a" };
    const derived = await service("derived").encrypt({ keyName: "default", plaintext: text("d"), context });
    const kmsMode = await service("kms").encrypt({ keyName: "default", plaintext: text("k"), context });
    expect((await service("kms").decrypt({ envelope: derived, context })).plaintext).toEqual(text("d"));
    expect((await service("derived").decrypt({ envelope: kmsMode, context })).plaintext).toEqual(text("k"));
  });

  test("rewrap moves a derived-mode data key to the current version, and it still opens", async () => {
    const context = { recordId: "r-1" };
    const envelope = await service("derived").encrypt({
      keyName: "default",
      plaintext: text("keep"),
      context,
    });
    kms.emulator.resetCounts();
    const { envelope: rewrapped } = await service("derived", 2).rewrap({ envelope });
    expect(kms.emulator.requestCounts()).toEqual({ ReEncrypt: 1 });
    expect(parseEnvelope(rewrapped).keyVersion).toBe(2);
    expect((await service("derived", 2).decrypt({ envelope: rewrapped, context })).plaintext).toEqual(
      text("keep"),
    );
  });
});

describe("envelopes with a salt per message (made before salts were kept per data key)", () => {
  test("still open, all of them with one KMS Decrypt", async () => {
    const context = { tenant: "acme" };
    const contextBytes = encodeContext(context);
    const fresh = await kms.kms.generateDataKey({
      keyId: kms.keys.default.alias,
      context: kmsContextFor("default", 1, context),
      bits: 256,
    });
    const seal = (i: number) =>
      sealWithDataKey(
        {
          algorithmId: ALGORITHM_ID.kms,
          salt: newSalt(),
          dataKey: fresh.plaintext,
          wrappedKey: fresh.wrapped,
          keyName: "default",
          keyVersion: 1,
          contextBytes,
          plaintext: text(`old ${i}`),
        },
        randomBytes(12),
      );
    // More envelopes than the per-key memo keeps (128), so its bound is crossed too.
    const envelopes = Array.from({ length: 300 }, (_, i) => seal(i));
    expect(new Set(envelopes.map((e) => Buffer.from(parseEnvelope(e).salt).toString("hex"))).size).toBe(300);
    kms.emulator.resetCounts();
    const reader = service("kms");
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < envelopes.length; i++)
        expect((await reader.decrypt({ envelope: envelopes[i]!, context })).plaintext).toEqual(
          text(`old ${i}`),
        );
    expect(kms.calls("Decrypt")).toBe(1);
  });
});
