// Parse once (STYLE habit 17): decrypt and rewrap read a single parse of the envelope, and the
// token's allow-list runs on that parsed header before the key ring or KMS is asked anything.
import { afterAll, beforeAll, beforeEach, expect, test, vi } from "vitest";
import { startEmulatedKms, type EmulatedKms } from "@coffer/testkit/emulated-kms";
import { manualClock } from "../clock";
import { createEnvelopeCrypto } from "../crypto";
import { parseEnvelope } from "../crypto/format";
import type { Caller } from "../tokens";
import { DecryptInput, EncryptInput, RewrapInput } from "./schemas";
import { createEncryptionService } from "./service";
import { outcomeOf } from "@coffer/testkit/outcome";

vi.mock("../crypto/format", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../crypto/format")>();
  return { ...actual, parseEnvelope: vi.fn(actual.parseEnvelope) };
});
const parses = vi.mocked(parseEnvelope);

let kms: EmulatedKms;
beforeAll(async () => void (kms = await startEmulatedKms()));
afterAll(() => kms.close());

const everyKey: Caller = { tokenId: "t-all", namespace: "default", scopes: ["encrypt", "decrypt", "rewrap"] };
const binsOnly: Caller = { ...everyKey, tokenId: "t-bins", keyNames: ["bins"] };
const context = { tenant: "acme" };

let envelope: string;
const service = () =>
  createEncryptionService({
    crypto: createEnvelopeCrypto({ kms: kms.kms, clock: manualClock(0), keys: kms.ring }),
  });

beforeEach(async () => {
  const plaintext = Buffer.from("parse me once").toString("base64url");
  ({ envelope } = await service().encrypt(
    EncryptInput.parse({ keyName: "default", plaintext, context }),
    everyKey,
  ));
  kms.emulator.resetCounts();
  parses.mockClear();
});

test("decrypt parses the envelope once", async () => {
  const opened = await service().decrypt(DecryptInput.parse({ envelope, context }), everyKey);
  expect(Buffer.from(opened.plaintext, "base64url").toString()).toBe("parse me once");
  expect(parses).toHaveBeenCalledTimes(1);
});

test("rewrap parses the envelope once and reports both versions", async () => {
  const rewrapped = await service().rewrap(RewrapInput.parse({ envelope }), everyKey);
  expect(rewrapped).toMatchObject({ keyName: "default", fromVersion: 1, toVersion: 1 });
  expect(parses).toHaveBeenCalledTimes(1);
  expect(kms.calls("ReEncrypt")).toBe(1);
});

test("a token without the envelope's key is refused on the parsed header, before any KMS call", async () => {
  const crypto = service();
  // A wrong context too: authorization comes before the context check, as it always has.
  const decrypt = DecryptInput.parse({ envelope, context: { tenant: "other" } });
  expect(await outcomeOf(crypto.decrypt(decrypt, binsOnly))).toBe("forbidden:key_not_allowed");
  expect(await outcomeOf(crypto.rewrap(RewrapInput.parse({ envelope }), binsOnly))).toBe(
    "forbidden:key_not_allowed",
  );
  const [item] = await crypto.decryptBatch({ items: [decrypt] }, binsOnly);
  expect(item).toMatchObject({ ok: false, error: { reason: "key_not_allowed" } });
  expect(parses).toHaveBeenCalledTimes(3);
  expect(kms.emulator.requestCounts()).toEqual({});
});
