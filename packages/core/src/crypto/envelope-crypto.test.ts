// The crypto service end to end, against the real KMS emulator.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { manualClock } from "../clock";
import { limits } from "../config";
import { CofferError } from "../errors";
import { createEnvelopeCrypto, inspectEnvelope, type EnvelopeKey, type EnvelopeKeyRing } from "./index";
import { parseEnvelope } from "./format";
import { startEmulatedKms, type EmulatedKms } from "@coffer/testkit/emulated-kms";

let kms: EmulatedKms;
beforeAll(async () => void (kms = await startEmulatedKms()));
afterAll(() => kms.close());
beforeEach(() => kms.emulator.resetCounts());

const context = { tenant: "acme", purpose: "invoice" };
const text = (value: string) => Buffer.from(value);

function service(keys: EnvelopeKeyRing = kms.ring) {
  return createEnvelopeCrypto({ kms: kms.kms, clock: manualClock(0), keys });
}

/** A lifecycle-style ring: the key at `current`, refusing versions below `minVersion`. */
function versionedRing(current: number, minVersion = 1): EnvelopeKeyRing {
  const key = async (name: string, version: number): Promise<EnvelopeKey> => {
    const base = await kms.ring.encryptionKey(name);
    if (version < minVersion) {
      throw new CofferError("key_unusable", "This key version is retired.", {
        reason: "key_version_retired",
      });
    }
    return { ...base, version };
  };
  return { encryptionKey: (name) => key(name, current), decryptionKey: key };
}

const reasonOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: unknown) =>
      error instanceof CofferError ? `${error.kind}/${error.reason}` : `not a CofferError: ${String(error)}`,
  );

describe("envelope crypto", () => {
  test("encrypts and decrypts, and tells which key and version it used", async () => {
    const crypto = service();
    const envelope = await crypto.encrypt({ keyName: "default", plaintext: text("secret"), context });
    const opened = await crypto.decrypt({ envelope, context: { purpose: "invoice", tenant: "acme" } });
    expect(opened).toEqual({ plaintext: text("secret"), keyName: "default", keyVersion: 1 });
    expect(inspectEnvelope(envelope)).toEqual({
      formatVersion: 1,
      algorithmId: 1,
      mode: "kms",
      keyName: "default",
      keyVersion: 1,
      context,
      payloadBytes: 6,
      wrappedKeyBytes: parseEnvelope(envelope).wrappedKey.length,
    });
  });

  test("the same plaintext twice gives different envelopes (fresh IV), under one cached data key and its salt", async () => {
    const crypto = service();
    const [a, b] = [
      await crypto.encrypt({ keyName: "default", plaintext: text("same"), context }),
      await crypto.encrypt({ keyName: "default", plaintext: text("same"), context }),
    ];
    const [pa, pb] = [parseEnvelope(a), parseEnvelope(b)];
    expect(a.equals(b)).toBe(false);
    expect(Buffer.from(pa.salt).equals(pb.salt)).toBe(true); // one salt per data key
    expect(Buffer.from(pa.commitment).equals(pb.commitment)).toBe(true);
    expect(Buffer.from(pa.iv).equals(pb.iv)).toBe(false);
    expect(pa.ciphertext.equals(pb.ciphertext)).toBe(false);
    expect(Buffer.from(pa.wrappedKey).equals(pb.wrappedKey)).toBe(true);
  });

  test("1,000 encrypts under the default policy cost one KMS call", async () => {
    const crypto = service();
    for (let i = 0; i < 1_000; i++)
      await crypto.encrypt({ keyName: "default", plaintext: text(`message ${i}`), context });
    expect(kms.calls("GenerateDataKey")).toBe(1);
  });

  test("decrypting many envelopes made with one data key costs one KMS Decrypt", async () => {
    const crypto = service();
    const envelopes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        crypto.encrypt({ keyName: "default", plaintext: text(`m${i}`), context }),
      ),
    );
    const reader = service();
    const opened = await Promise.all(envelopes.map((envelope) => reader.decrypt({ envelope, context })));
    expect(opened.map((o) => o.plaintext.toString())).toEqual(envelopes.map((_, i) => `m${i}`));
    expect(kms.calls("Decrypt")).toBe(1);
  });

  test("the bins key never reuses a data key", async () => {
    const crypto = service();
    await crypto.encrypt({ keyName: "bins", plaintext: text("x"), context });
    await crypto.encrypt({ keyName: "bins", plaintext: text("x"), context });
    expect(kms.calls("GenerateDataKey")).toBe(2);
  });

  test("a wrong context is refused before any KMS call", async () => {
    const crypto = service();
    const envelope = await crypto.encrypt({ keyName: "default", plaintext: text("x"), context });
    kms.emulator.resetCounts();
    const others: Array<Record<string, string>> = [
      {},
      { tenant: "acme" },
      { ...context, purpose: "receipt" },
      { ...context, extra: "1" },
    ];
    for (const other of others) {
      expect(await reasonOf(service().decrypt({ envelope, context: other }))).toBe(
        "invalid/context_mismatch",
      );
    }
    expect(kms.emulator.requestCounts()).toEqual({});
  });

  test("the caller's context is validated on both sides", async () => {
    const crypto = service();
    const bin = { purpose: "bin", binId: "b1" };
    expect(await reasonOf(crypto.encrypt({ keyName: "default", plaintext: text("x"), context: bin }))).toBe(
      "invalid/context_reserved_pair",
    );
    expect(
      await reasonOf(crypto.decrypt({ envelope: Buffer.alloc(0), context: { "coffer:key": "x" } })),
    ).toBe("invalid/context_reserved_key");
  });

  test("an unknown key name is not_found, before any KMS call", async () => {
    expect(await reasonOf(service().encrypt({ keyName: "nope", plaintext: text("x"), context }))).toBe(
      "not_found/key_not_found",
    );
    expect(kms.emulator.requestCounts()).toEqual({});
  });

  test("a version below the key's minimum is refused by the ring hook, before KMS", async () => {
    const envelope = await service().encrypt({ keyName: "default", plaintext: text("x"), context });
    kms.emulator.resetCounts();
    expect(await reasonOf(service(versionedRing(2, 2)).decrypt({ envelope, context }))).toBe(
      "key_unusable/key_version_retired",
    );
    expect(kms.calls("Decrypt")).toBe(0);
  });

  test("editing the key version (to dodge a minimum) makes KMS refuse the data key", async () => {
    const envelope = await service().encrypt({ keyName: "default", plaintext: text("x"), context });
    const edited = Buffer.from(envelope);
    edited.writeUInt32BE(2, parseEnvelope(envelope).aad.length);
    expect(await reasonOf(service(versionedRing(2, 2)).decrypt({ envelope: edited, context }))).toBe(
      "invalid/wrapped_key_rejected",
    );
  });

  test("a key slot taken from another envelope (another data key) fails the commitment", async () => {
    const [a, b] = [
      await service().encrypt({ keyName: "default", plaintext: text("from a"), context }),
      await service().encrypt({ keyName: "default", plaintext: text("from b"), context }),
    ];
    const [pa, pb] = [parseEnvelope(a), parseEnvelope(b)];
    expect(Buffer.from(pa.wrappedKey).equals(pb.wrappedKey)).toBe(false);
    const spliced = Buffer.concat([
      pa.aad,
      b.subarray(pb.aad.length, pb.aad.length + 6 + pb.wrappedKey.length),
      pa.ciphertext,
      pa.tag,
    ]);
    expect(await reasonOf(service().decrypt({ envelope: spliced, context }))).toBe(
      "invalid/commitment_mismatch",
    );
  });

  describe("rewrap", () => {
    test("moves the data key to the current version with one ReEncrypt, leaving header and payload as they were", async () => {
      const envelope = await service().encrypt({ keyName: "default", plaintext: text("keep me"), context });
      kms.emulator.resetCounts();
      const { envelope: rewrapped, ...versions } = await service(versionedRing(3)).rewrap({ envelope });
      expect(kms.emulator.requestCounts()).toEqual({ ReEncrypt: 1 });
      expect(versions).toEqual({ keyName: "default", fromVersion: 1, toVersion: 3 });
      const [before, after] = [parseEnvelope(envelope), parseEnvelope(rewrapped)];
      expect(after.keyVersion).toBe(3);
      expect(after.aad.equals(before.aad)).toBe(true);
      expect(after.ciphertext.equals(before.ciphertext)).toBe(true);
      expect(after.tag.equals(before.tag)).toBe(true);
      expect(Buffer.from(after.wrappedKey).equals(before.wrappedKey)).toBe(false);
      const opened = await service(versionedRing(3, 3)).decrypt({ envelope: rewrapped, context });
      expect(opened).toMatchObject({ plaintext: text("keep me"), keyVersion: 3 });
      // The old version number in front of the new wrapped key does not open.
      const downgraded = Buffer.from(rewrapped);
      downgraded.writeUInt32BE(1, after.aad.length);
      expect(await reasonOf(service(versionedRing(3)).decrypt({ envelope: downgraded, context }))).toBe(
        "invalid/wrapped_key_rejected",
      );
    });

    test("does not revive a retired version", async () => {
      const envelope = await service().encrypt({ keyName: "default", plaintext: text("x"), context });
      expect(await reasonOf(service(versionedRing(3, 2)).rewrap({ envelope }))).toBe(
        "key_unusable/key_version_retired",
      );
    });

    test("refuses an envelope whose header context was edited (KMS checks the source context)", async () => {
      const envelope = await service().encrypt({
        keyName: "default",
        plaintext: text("x"),
        context: { t: "a" },
      });
      const edited = Buffer.from(envelope);
      const at = parseEnvelope(envelope).aad.length - 1;
      edited[at] = "b".charCodeAt(0);
      expect(await reasonOf(service(versionedRing(2)).rewrap({ envelope: edited }))).toBe(
        "invalid/wrapped_key_rejected",
      );
    });
  });

  describe("size limits", () => {
    test(`round-trips the largest plaintext (${limits.maxPlaintextBytes} bytes)`, async () => {
      const crypto = service();
      const plaintext = Buffer.alloc(limits.maxPlaintextBytes, 7);
      const envelope = await crypto.encrypt({ keyName: "default", plaintext, context });
      expect((await crypto.decrypt({ envelope, context })).plaintext.equals(plaintext)).toBe(true);
    });

    test("a large envelope (encrypted in several 256 KiB steps) with one changed byte is refused", async () => {
      const crypto = service();
      const envelope = await crypto.encrypt({
        keyName: "default",
        plaintext: Buffer.alloc(1024 * 1024 + 5, 1),
        context,
      });
      envelope[envelope.length - 100]! ^= 0x01;
      expect(await reasonOf(crypto.decrypt({ envelope, context }))).toBe("invalid/authentication_failed");
    });

    test("refuses a larger plaintext before any work", async () => {
      const plaintext = Buffer.alloc(limits.maxPlaintextBytes + 1);
      expect(await reasonOf(service().encrypt({ keyName: "default", plaintext, context }))).toBe(
        "invalid/plaintext_too_large",
      );
      expect(kms.emulator.requestCounts()).toEqual({});
    });

    test("refuses an envelope larger than any encrypt makes before parsing it", async () => {
      const envelope = Buffer.alloc(limits.maxPlaintextBytes + 64 * 1024);
      expect(await reasonOf(service().decrypt({ envelope, context }))).toBe("invalid/envelope_too_large");
    });
  });
});

describe("rewrap reads the header like every other path (issue 13, finding 5)", () => {
  test("a header context with a reserved entry is refused before any KMS call", async () => {
    const envelope = await service().encrypt({
      keyName: "default",
      plaintext: text("x"),
      context: { "xoffer:key": "default" },
    });
    const edited = Buffer.from(envelope);
    const at = edited.indexOf("xoffer:key");
    edited[at] = "c".charCodeAt(0); // the header now claims { "coffer:key": "default" }
    kms.emulator.resetCounts();
    expect(await reasonOf(service(versionedRing(2)).rewrap({ envelope: edited }))).toBe(
      "invalid/envelope_malformed",
    );
    expect(kms.emulator.requestCounts()).toEqual({});
  });

  test("names the source key to KMS, so a blob of another key is refused", async () => {
    const envelope = await service().encrypt({ keyName: "default", plaintext: text("x"), context });
    const other = await kms.ring.encryptionKey("bins");
    const ring: EnvelopeKeyRing = {
      encryptionKey: async (name) => ({ ...(await kms.ring.encryptionKey(name)), version: 2 }),
      // The version the envelope names resolves to another KMS key: KMS must be told, and refuse.
      decryptionKey: async (name, version) => ({
        ...(await kms.ring.decryptionKey(name, version)),
        kmsKeyId: other.kmsKeyId,
      }),
    };
    expect(await reasonOf(service(ring).rewrap({ envelope }))).toBe("invalid/wrong_key");
  });
});
