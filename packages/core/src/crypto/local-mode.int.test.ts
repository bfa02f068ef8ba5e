// Local mode against the real service code on the KMS emulator: the encryption service's two
// local-mode procedures behind a LocalKeyApi that carries values as the wire does (base64url, zod
// schemas), and a ring whose lifecycle the tests change. The client's own adapter over HTTP is
// tested in packages/client/src/local.int.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { inProcessLocalKeyApi } from "@coffer/testkit/local-key-api";
import { manualClock } from "../clock";
import { defaultCachePolicy, limits, type DataKeyCachePolicy, type EnvelopeMode } from "../config";
import { DecryptInput, EncryptInput, createEncryptionService } from "../encryption";
import { CofferError } from "../errors";
import { keyDisabled, versionRetired } from "../keys";
import type { Caller } from "../tokens";
import { parseEnvelope } from "./format";
import { inspectEnvelope } from "./inspect";
import { createEnvelopeCrypto, createLocalEnvelopeCrypto, type EnvelopeKeyRing } from "./index";
import { startEmulatedKms, type EmulatedKms } from "@coffer/testkit/emulated-kms";

let kms: EmulatedKms;
beforeAll(async () => void (kms = await startEmulatedKms()));
afterAll(() => kms.close());
beforeEach(() => kms.emulator.resetCounts());

const caller: Caller = { tokenId: "t-local", namespace: "default", scopes: ["encrypt", "decrypt"] };

/** A key's lifecycle as the tests set it; the same checks and errors as the table-backed ring. */
interface KeyState {
  mode: EnvelopeMode;
  version: number;
  minVersion: number;
  disabled: boolean;
  cache: DataKeyCachePolicy;
}

function lifecycleRing(state: KeyState): EnvelopeKeyRing {
  const at = async (name: string, version: number) => ({
    ...(await kms.ring.encryptionKey(name)),
    mode: state.mode,
    version,
    cache: state.cache,
  });
  return {
    async encryptionKey(name) {
      if (state.disabled) throw keyDisabled();
      return at(name, state.version);
    },
    async decryptionKey(name, version) {
      if (state.disabled) throw keyDisabled();
      if (version < state.minVersion) throw versionRetired(state.minVersion);
      return at(name, version);
    },
  };
}

/** A server and a local-mode client of it, with the API calls the client made. */
function setup(overrides: Partial<KeyState> = {}) {
  const state: KeyState = {
    mode: "kms",
    version: 1,
    minVersion: 1,
    disabled: false,
    cache: defaultCachePolicy,
    ...overrides,
  };
  const clock = manualClock(0);
  const server = createEncryptionService({
    crypto: createEnvelopeCrypto({ kms: kms.kms, clock, keys: lifecycleRing(state) }),
  });
  const { api, calls } = inProcessLocalKeyApi(server, caller);
  const bytes = (value: string) => Buffer.from(value, "base64url");
  const local = createLocalEnvelopeCrypto({ api, clock });
  /** Server-side encrypt and decrypt, through the service as the API runs them. */
  const remote = {
    async encrypt(plaintext: Buffer, context: Record<string, string>) {
      const input = EncryptInput.parse({
        keyName: "default",
        plaintext: plaintext.toString("base64url"),
        context,
      });
      return bytes((await server.encrypt(input, caller)).envelope);
    },
    async decrypt(envelope: Buffer, context: Record<string, string>) {
      const input = DecryptInput.parse({ envelope: envelope.toString("base64url"), context });
      return bytes((await server.decrypt(input, caller)).plaintext);
    },
  };
  return { state, clock, calls, local, remote };
}

const reasonOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: unknown) =>
      error instanceof CofferError ? `${error.kind}/${error.reason}` : `not a CofferError: ${String(error)}`,
  );

function pattern(size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}
const sizes = [0, 1, 64, 1024, 64 * 1024, 1024 * 1024, limits.maxPlaintextBytes];

describe.each(["kms", "derived"] as const)("%s mode", (mode) => {
  test("local and server envelopes open on the other side, every size up to the maximum", async () => {
    const { local, remote } = setup({ mode });
    for (const size of sizes) {
      const plaintext = pattern(size);
      const context = { tenant: "acme", size: String(size) };
      const made = await local.encrypt({ keyName: "default", plaintext, context });
      expect(inspectEnvelope(made)).toMatchObject({ mode, keyName: "default", keyVersion: 1, context });
      expect((await remote.decrypt(made, context)).equals(plaintext)).toBe(true);
      const served = await remote.encrypt(plaintext, context);
      expect((await local.decrypt({ envelope: served, context })).plaintext.equals(plaintext)).toBe(true);
    }
    expect(
      await reasonOf(
        local.encrypt({ keyName: "default", plaintext: pattern(limits.maxPlaintextBytes + 1), context: {} }),
      ),
    ).toBe("invalid/plaintext_too_large");
  }, 120_000);

  test("another context is refused as the server refuses it, before any call", async () => {
    const { local, remote, calls } = setup({ mode });
    const context = { tenant: "acme" };
    const made = await local.encrypt({ keyName: "default", plaintext: pattern(10), context });
    const others: Array<Record<string, string>> = [{}, { tenant: "other" }, { ...context, extra: "x" }];
    for (const other of others) {
      const localReason = await reasonOf(local.decrypt({ envelope: made, context: other }));
      expect(localReason).toBe("invalid/context_mismatch");
      expect(await reasonOf(remote.decrypt(made, other))).toBe(localReason);
    }
    expect(calls.open).toBe(0);
  });

  test("a retired version and a disabled key are refused locally with the server's reasons", async () => {
    const { local, remote, state, clock } = setup({ mode });
    const context = { tenant: "acme" };
    const v1 = await local.encrypt({ keyName: "default", plaintext: pattern(10), context });
    state.version = 2;
    state.minVersion = 2;
    const serverReason = await reasonOf(remote.decrypt(v1, context));
    expect(serverReason).toBe("key_unusable/key_version_retired");
    expect(await reasonOf(local.decrypt({ envelope: v1, context }))).toBe(serverReason);

    state.minVersion = 1;
    const opened = await local.decrypt({ envelope: v1, context }); // now cached by this client
    expect(opened.keyVersion).toBe(1);
    state.disabled = true;
    expect(await reasonOf(remote.decrypt(v1, context))).toBe("key_unusable/key_disabled");
    // A cached key serves until the policy's age; then the service is asked, and refuses.
    expect(await reasonOf(local.decrypt({ envelope: v1, context }))).toBe("ok");
    clock.advance(defaultCachePolicy.maxAgeMs);
    expect(await reasonOf(local.decrypt({ envelope: v1, context }))).toBe("key_unusable/key_disabled");
    expect(await reasonOf(local.encrypt({ keyName: "default", plaintext: pattern(1), context }))).toBe(
      "key_unusable/key_disabled",
    );
  });

  test("concurrent encrypts on a cold cache make one API call; 10,000 encrypts make one", async () => {
    const { local, calls } = setup({ mode });
    const context = { tenant: "acme" };
    const made = await Promise.all(
      Array.from({ length: 50 }, () =>
        local.encrypt({ keyName: "default", plaintext: pattern(64), context }),
      ),
    );
    expect(calls.issue).toBe(1);
    expect(new Set(made.map((e) => Buffer.from(parseEnvelope(e).salt).toString("hex"))).size).toBe(1);
    for (let i = 0; i < 10_000; i++)
      await local.encrypt({ keyName: "default", plaintext: pattern(64), context });
    expect(calls.issue).toBe(1);
    await Promise.all(made.map((envelope) => local.decrypt({ envelope, context })));
    expect(calls.open).toBe(1);
  }, 60_000);
});

test("derived mode: a context per message costs one issue and one open for 1,000 messages", async () => {
  const { local, calls } = setup({ mode: "derived" });
  const made = [];
  for (let i = 0; i < 1_000; i++)
    made.push(
      await local.encrypt({ keyName: "default", plaintext: pattern(16), context: { recordId: `r${i}` } }),
    );
  const reader = setup({ mode: "derived" });
  for (let i = 0; i < 1_000; i++)
    await reader.local.decrypt({ envelope: made[i]!, context: { recordId: `r${i}` } });
  expect({ issue: calls.issue, open: reader.calls.open }).toEqual({ issue: 1, open: 1 });
  expect(kms.calls("GenerateDataKey")).toBe(1);
  expect(kms.calls("Decrypt")).toBe(1);
}, 60_000);

test("KMS mode: a data key per context, as on the server", async () => {
  const { local, calls } = setup({ mode: "kms" });
  for (let i = 0; i < 5; i++)
    await local.encrypt({ keyName: "default", plaintext: pattern(16), context: { recordId: `r${i}` } });
  expect(calls.issue).toBe(5);
});

test("the client's cache keeps the key's policy: messages, bytes and age", async () => {
  const cache = { maxAgeMs: 60_000, maxMessages: 10, maxBytes: 1_000 };
  const { local, calls, clock } = setup({ cache });
  const encrypt = (size: number) =>
    local.encrypt({ keyName: "default", plaintext: pattern(size), context: {} });
  for (let i = 0; i < 25; i++) await encrypt(1);
  expect(calls.issue).toBe(3); // 10 messages per data key
  clock.advance(60_000);
  await encrypt(1);
  expect(calls.issue).toBe(4); // past its age
  await encrypt(600);
  await encrypt(600);
  expect(calls.issue).toBe(5); // 1,000 bytes per data key
});

test("a key that went from derived back to KMS mode is never shared across contexts", async () => {
  const { local, state, calls, remote } = setup({ mode: "derived" });
  await local.encrypt({ keyName: "default", plaintext: pattern(1), context: { t: "a" } });
  state.mode = "kms";
  // With its cache emptied, the client asks for a derived-mode key and is answered in KMS mode.
  local.clear();
  const made = await local.encrypt({ keyName: "default", plaintext: pattern(2), context: { t: "b" } });
  expect(inspectEnvelope(made).mode).toBe("kms");
  expect((await remote.decrypt(made, { t: "b" })).equals(pattern(2))).toBe(true);
  expect(calls.issue).toBe(3); // first contact, the refused fill, the retry in KMS mode
});
