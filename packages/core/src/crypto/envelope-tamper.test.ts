// Every single-byte change and every truncation of a small envelope is refused, through the whole
// decrypt path (KMS emulator included), with the error that the changed field calls for: never a
// crash, never a non-CofferError, never a plaintext.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { manualClock } from "../clock";
import { CofferError } from "../errors";
import { parseEnvelope } from "./format";
import { createEnvelopeCrypto } from "./index";
import { startEmulatedKms, type EmulatedKms } from "@coffer/testkit/emulated-kms";

let kms: EmulatedKms;
let envelope: Buffer;
const context = { tenant: "acme", purpose: "invoice" };

beforeAll(async () => {
  kms = await startEmulatedKms();
  envelope = await service().encrypt({
    keyName: "default",
    plaintext: Buffer.from("a small secret!!!"),
    context,
  });
});
afterAll(() => kms.close());

// A fresh service per attempt, so that no attempt is answered from a cache the last one filled.
const service = () => createEnvelopeCrypto({ kms: kms.kms, clock: manualClock(0), keys: kms.ring });

async function outcome(candidate: Buffer): Promise<string> {
  try {
    await service().decrypt({ envelope: candidate, context });
    return "accepted";
  } catch (error) {
    if (!(error instanceof CofferError)) return `not a CofferError: ${String(error)}`;
    return `${error.kind}/${error.reason}`;
  }
}

const MALFORMED = "invalid/envelope_malformed";
const COMMITMENT = "invalid/commitment_mismatch";
const AUTHENTICATION = "invalid/authentication_failed";
const KMS_REJECTED = "invalid/wrapped_key_rejected";

/** The envelope's fields in order, with what a changed byte there may lead to. */
function regions(): Array<{ field: string; end: number; allowed: string[] }> {
  const parsed = parseEnvelope(envelope);
  const keyNameEnd = 87 + Buffer.byteLength(parsed.keyName);
  const aadEnd = parsed.aad.length;
  const wrappedEnd = aadEnd + 6 + parsed.wrappedKey.length;
  return [
    { field: "magic", end: 4, allowed: [MALFORMED] },
    { field: "version", end: 5, allowed: ["invalid/envelope_unknown_version"] },
    { field: "algorithm", end: 6, allowed: ["invalid/envelope_unknown_algorithm"] },
    { field: "salt", end: 38, allowed: [COMMITMENT] },
    { field: "iv", end: 50, allowed: [AUTHENTICATION] },
    { field: "commitment", end: 82, allowed: [COMMITMENT] },
    { field: "payload length", end: 86, allowed: [MALFORMED] },
    { field: "key name length", end: 87, allowed: [MALFORMED] },
    // Another (unknown) name, or bytes that are not UTF-8.
    { field: "key name", end: keyNameEnd, allowed: ["not_found/key_not_found", MALFORMED] },
    { field: "context length", end: keyNameEnd + 2, allowed: [MALFORMED] },
    // Another context than the caller's, or bytes that are not a canonical context.
    { field: "context", end: aadEnd, allowed: ["invalid/context_mismatch", MALFORMED] },
    // Another version: KMS refuses the data key (its context binds the version); 0 is malformed.
    { field: "key version", end: aadEnd + 4, allowed: [KMS_REJECTED, MALFORMED] },
    { field: "wrapped key length", end: aadEnd + 6, allowed: [MALFORMED, KMS_REJECTED] },
    // KMS refuses an altered blob; the emulator's blob names its KMS key inside, hence not_found.
    {
      field: "wrapped key",
      end: wrappedEnd,
      allowed: [KMS_REJECTED, "key_unusable/key_not_found", "invalid/wrong_key"],
    },
    { field: "ciphertext", end: envelope.length - 16, allowed: [AUTHENTICATION] },
    { field: "tag", end: envelope.length, allowed: [AUTHENTICATION] },
  ];
}

describe("a tampered envelope", () => {
  test("the untouched envelope opens (so every refusal below is the change's doing)", async () => {
    expect(await outcome(envelope)).toBe("accepted");
  });

  test.each([0x01, 0x80, 0xff])(
    "flipping any byte with %i is refused with the field's error",
    async (mask) => {
      const seen: Array<{ at: number; field: string; result: string }> = [];
      let start = 0;
      for (const { field, end, allowed } of regions()) {
        for (let at = start; at < end; at++) {
          const candidate = Buffer.from(envelope);
          candidate[at]! ^= mask;
          const result = await outcome(candidate);
          if (!allowed.includes(result)) seen.push({ at, field, result });
        }
        start = end;
      }
      expect(start).toBe(envelope.length);
      expect(seen).toEqual([]);
    },
  );

  test("cutting it at any length is refused as malformed, before any KMS call", async () => {
    kms.emulator.resetCounts();
    const results = new Set<string>();
    for (let length = 0; length < envelope.length; length++)
      results.add(await outcome(envelope.subarray(0, length)));
    expect([...results]).toEqual([MALFORMED]);
    expect(kms.emulator.requestCounts()).toEqual({});
  });

  test("a byte appended is refused as malformed", async () => {
    expect(await outcome(Buffer.concat([envelope, Buffer.from([0])]))).toBe(MALFORMED);
  });
});
