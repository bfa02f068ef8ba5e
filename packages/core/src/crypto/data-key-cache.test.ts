// The encryption cache against the real KMS emulator, with a manual clock: the emulator counts
// GenerateDataKey calls, so each test states its policy and checks how many keys it cost.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { manualClock } from "../clock";
import type { DataKeyCachePolicy } from "../config";
import { isCofferError } from "../errors";
import { catalogKeys, type EnvelopeMode } from "../config";
import { encodeContext, kmsContextFor, kmsContextForMode, type EncryptionContext } from "./context";
import {
  createDataKeyCache,
  effectiveMaxBytes,
  effectiveMaxMessages,
  MAX_BYTES_PER_DATA_KEY,
  MAX_MESSAGES_PER_DATA_KEY,
} from "./data-key-cache";
import { ALGORITHM_ID } from "./format";
import type { EnvelopeKey } from "./key-ring";
import { memoizedMessageKeys } from "./message-key-memo";
import type { KeyCacheOutcome } from "../telemetry";
import { startEmulatedKms, type EmulatedKms } from "@coffer/testkit/emulated-kms";

let kms: EmulatedKms;
beforeAll(async () => void (kms = await startEmulatedKms()));
afterAll(() => kms.close());
beforeEach(() => {
  kms.emulator.resetCounts();
  kms.emulator.faults.clear();
});

const policy = (overrides: Partial<DataKeyCachePolicy> = {}): DataKeyCachePolicy => ({
  maxAgeMs: 60_000,
  maxMessages: 1_000,
  maxBytes: 1_000_000,
  ...overrides,
});

function setup(
  cachePolicy: DataKeyCachePolicy,
  options: {
    maxEntries?: number;
    version?: number;
    mode?: EnvelopeMode;
    onLookup?: (outcome: KeyCacheOutcome) => void;
  } = {},
) {
  const clock = manualClock(1_000);
  const cache = createDataKeyCache({
    source: kms.kms,
    clock,
    onLookup: options.onLookup,
    ...(options.maxEntries ? { maxEntries: options.maxEntries } : {}),
  });
  const key: EnvelopeKey = {
    name: "default",
    kmsKeyId: kms.keys.default.alias,
    version: options.version ?? 1,
    cache: cachePolicy,
    mode: options.mode ?? "kms",
  };
  /** One "encrypt": returns the wrapped key it got and a copy of its data key. */
  const use = (
    context: EncryptionContext = { tenant: "acme" },
    plaintextBytes = 100,
    onKey?: (dataKey: Buffer) => void,
  ) =>
    cache.withDataKey(
      { key, context, contextBytes: encodeContext(context), plaintextBytes },
      ({ dataKey, wrappedKey, salt }) => {
        onKey?.(dataKey);
        return {
          wrapped: wrappedKey.toString("hex"),
          dataKey: Buffer.from(dataKey),
          salt: salt.toString("hex"),
        };
      },
    );
  return { clock, cache, key, use };
}

const generated = () => kms.calls("GenerateDataKey");

describe("data-key cache", () => {
  test("tells telemetry of each lookup: a miss per GenerateDataKey, hits, and bypasses", async () => {
    const lookups: KeyCacheOutcome[] = [];
    const { use } = setup(policy({ maxMessages: 2, maxBytes: 1_000 }), { onLookup: (o) => lookups.push(o) });
    for (let i = 0; i < 3; i++) await use();
    await use(undefined, 1_001);
    expect(lookups).toEqual(["miss", "hit", "miss", "bypass"]);
    expect(generated()).toBe(3);
  });

  test("reuses one data key within the policy", async () => {
    const { use } = setup(policy());
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await use());
    expect(generated()).toBe(1);
    expect(new Set(results.map((r) => r.wrapped)).size).toBe(1);
  });

  test("a key expires when it reaches maxAgeMs (counted from KMS's answer)", async () => {
    const { use, clock } = setup(policy({ maxAgeMs: 60_000 }));
    await use();
    clock.advance(59_999);
    await use();
    expect(generated()).toBe(1);
    clock.advance(1);
    await use();
    expect(generated()).toBe(2);
  });

  test("a key serves at most maxMessages messages", async () => {
    const { use } = setup(policy({ maxMessages: 3 }));
    for (let i = 0; i < 7; i++) await use();
    expect(generated()).toBe(3); // 3 + 3 + 1
  });

  test("a key protects at most maxBytes of plaintext", async () => {
    const { use } = setup(policy({ maxBytes: 100 }));
    for (let i = 0; i < 5; i++) await use(undefined, 40);
    expect(generated()).toBe(3); // 40+40, 40+40, 40
  });

  test("a message larger than maxBytes gets a fresh key that is not cached", async () => {
    const { use, cache } = setup(policy({ maxBytes: 100 }));
    const [a, b] = [await use(undefined, 101), await use(undefined, 101)];
    expect(generated()).toBe(2);
    expect(a.wrapped).not.toBe(b.wrapped);
    expect(cache.size).toBe(0);
  });

  test("no policy can lift the caps of 2^20 messages and 2^32 bytes per data key", () => {
    expect(MAX_MESSAGES_PER_DATA_KEY).toBe(2 ** 20);
    expect(MAX_BYTES_PER_DATA_KEY).toBe(2 ** 32);
    expect(effectiveMaxMessages(policy({ maxMessages: 2 ** 40 }))).toBe(2 ** 20);
    expect(effectiveMaxMessages(policy({ maxMessages: 10 }))).toBe(10);
    expect(effectiveMaxBytes(policy({ maxBytes: 2 ** 50 }))).toBe(2 ** 32);
    expect(effectiveMaxBytes(policy({ maxBytes: 100 }))).toBe(100);
    // The catalog's keys all stay inside it.
    for (const key of catalogKeys) {
      expect(effectiveMaxMessages(key.cache)).toBe(key.cache.maxMessages);
      expect(effectiveMaxBytes(key.cache)).toBe(key.cache.maxBytes);
    }
  });

  test("a key serves at most 2^20 messages even when the policy allows more", async () => {
    const { use, cache, key } = setup(policy({ maxMessages: 2 ** 40, maxBytes: 2 ** 50 }));
    const first = await use({}, 0);
    const request = { key, context: {}, contextBytes: encodeContext({}), plaintextBytes: 0 };
    let sameKey = 1;
    // The other 2^20 - 1 messages without the wrapper's copies; one await each, as in encrypt.
    for (let i = 1; i < 2 ** 20; i++) {
      sameKey += await cache.withDataKey(request, (k) =>
        Number(k.wrappedKey.toString("hex") === first.wrapped),
      );
    }
    expect(sameKey).toBe(2 ** 20);
    expect(generated()).toBe(1);
    const next = await use({}, 0);
    expect(generated()).toBe(2);
    expect(next.wrapped).not.toBe(first.wrapped);
    expect(next.salt).not.toBe(first.salt);
  }, 60_000);

  test("a key protects at most 2^32 bytes even when the policy allows more", async () => {
    const { use, cache } = setup(policy({ maxMessages: 2 ** 40, maxBytes: 2 ** 50 }));
    const half = 2 ** 31;
    const [a, b, c] = [await use({}, half), await use({}, half), await use({}, half)];
    expect(a.wrapped).toBe(b.wrapped);
    expect(c.wrapped).not.toBe(a.wrapped);
    expect(generated()).toBe(2);
    // One message above the cap gets a key of its own that is never cached.
    kms.emulator.resetCounts();
    const size = cache.size;
    await use({}, 2 ** 32 + 1);
    expect(generated()).toBe(1);
    expect(cache.size).toBe(size);
  });

  test("maxAgeMs 0 or maxMessages 1 means a fresh key for every message, even concurrently", async () => {
    for (const noReuse of [
      policy({ maxAgeMs: 0 }),
      policy({ maxMessages: 1 }),
      { maxAgeMs: 0, maxMessages: 1, maxBytes: 0 },
    ]) {
      kms.emulator.resetCounts();
      const { use, cache } = setup(noReuse);
      const results = await Promise.all(Array.from({ length: 5 }, () => use()));
      expect(generated()).toBe(5);
      expect(new Set(results.map((r) => r.wrapped)).size).toBe(5);
      expect(cache.size).toBe(0);
    }
  });

  test("50 concurrent misses make one GenerateDataKey", async () => {
    const { use } = setup(policy());
    const results = await Promise.all(Array.from({ length: 50 }, () => use()));
    expect(generated()).toBe(1);
    expect(new Set(results.map((r) => r.wrapped)).size).toBe(1);
  });

  test("concurrent misses beyond maxMessages start another generation, never overuse a key", async () => {
    const { use } = setup(policy({ maxMessages: 10 }));
    const results = await Promise.all(Array.from({ length: 50 }, () => use()));
    expect(generated()).toBe(5);
    const perKey = new Map<string, number>();
    for (const { wrapped } of results) perKey.set(wrapped, (perKey.get(wrapped) ?? 0) + 1);
    expect([...perKey.values()]).toEqual([10, 10, 10, 10, 10]);
  });

  test("contexts never share a key, and the key is wrapped under its own context", async () => {
    const { use } = setup(policy());
    const a = { tenant: "acme" };
    const b = { tenant: "globex" };
    const results = await Promise.all([use(a), use(b), use(a), use(b), use({ tenant: "acme" })]);
    expect(generated()).toBe(2);
    expect(results[0]!.wrapped).toBe(results[2]!.wrapped);
    expect(results[0]!.wrapped).toBe(results[4]!.wrapped);
    expect(results[0]!.wrapped).not.toBe(results[1]!.wrapped);
    const wrappedA = Buffer.from(results[0]!.wrapped, "hex");
    const unwrapped = await kms.kms.decrypt({ wrapped: wrappedA, context: kmsContextFor("default", 1, a) });
    expect(unwrapped.equals(results[0]!.dataKey)).toBe(true);
    await expect(
      kms.kms.decrypt({ wrapped: wrappedA, context: kmsContextFor("default", 1, b) }),
    ).rejects.toMatchObject({
      reason: "wrapped_key_rejected",
    });
  });

  test("a cached data key keeps one salt for all its messages, and two data keys never share one", async () => {
    const { use, clock } = setup(policy({ maxMessages: 5, maxAgeMs: 1_000 }));
    const results = [];
    // 20 contexts × (5 messages per key → 3 keys for 12 messages), then the same after expiry.
    for (let round = 0; round < 2; round++) {
      for (let tenant = 0; tenant < 20; tenant++)
        for (let i = 0; i < 12; i++) results.push(await use({ tenant: String(tenant) }));
      clock.advance(1_000);
    }
    const saltOf = new Map<string, Set<string>>();
    for (const { wrapped, salt } of results)
      saltOf.set(wrapped, (saltOf.get(wrapped) ?? new Set()).add(salt));
    expect(saltOf.size).toBe(2 * 20 * 3);
    expect([...saltOf.values()].every((salts) => salts.size === 1)).toBe(true);
    const salts = [...saltOf.values()].map((salts) => [...salts][0]);
    expect(new Set(salts).size).toBe(salts.length);
    expect(salts.every((salt) => salt!.length === 64)).toBe(true);
  });

  test("derived mode: one data key for every context, wrapped under Coffer's own context only", async () => {
    const { use } = setup(policy(), { mode: "derived" });
    const results = [];
    for (let i = 0; i < 100; i++) results.push(await use({ recordId: `r-${i}` }));
    expect(generated()).toBe(1);
    expect(new Set(results.map((r) => r.wrapped)).size).toBe(1);
    const wrapped = Buffer.from(results[0]!.wrapped, "hex");
    const own = kmsContextForMode("derived", "default", 1, { recordId: "r-0" });
    expect(own).toEqual({ "coffer:key": "default", "coffer:version": "1", "coffer:mode": "derived" });
    expect((await kms.kms.decrypt({ wrapped, context: own })).equals(results[0]!.dataKey)).toBe(true);
    await expect(
      kms.kms.decrypt({ wrapped, context: kmsContextFor("default", 1, {}) }),
    ).rejects.toMatchObject({ reason: "wrapped_key_rejected" });
  });

  test("message keys derived from a data key are zero-filled when it leaves the cache", async () => {
    const { cache, key } = setup(policy({ maxAgeMs: 1_000 }));
    const contextBytes = encodeContext({});
    let aesKey: Buffer | undefined;
    await cache.withDataKey({ key, context: {}, contextBytes, plaintextBytes: 1 }, (dataKey) => {
      aesKey = memoizedMessageKeys(dataKey, "", dataKey.salt, ALGORITHM_ID.kms, contextBytes).aesKey;
    });
    expect(aesKey!.some((byte) => byte !== 0)).toBe(true);
    cache.clear();
    expect(aesKey!.every((byte) => byte === 0)).toBe(true);
  });

  test("the same context in another key order is the same entry", async () => {
    const { use } = setup(policy());
    await use({ a: "1", b: "2" });
    await use({ b: "2", a: "1" });
    expect(generated()).toBe(1);
  });

  test("key versions never share a key", async () => {
    const v1 = setup(policy(), { version: 1 });
    const v2 = setup(policy(), { version: 2 });
    // Two caches would trivially differ; the same cache must keep versions apart too.
    const request = (key: EnvelopeKey) =>
      v1.cache.withDataKey({ key, context: {}, contextBytes: encodeContext({}), plaintextBytes: 1 }, (m) =>
        m.wrappedKey.toString("hex"),
      );
    const [one, two] = [await request(v1.key), await request(v2.key)];
    expect(one).not.toBe(two);
    expect(generated()).toBe(2);
  });

  test("a failed generation is not cached, and all its waiters get the error", async () => {
    const { use, cache } = setup(policy());
    kms.emulator.faults.add({
      kind: "error",
      type: "AccessDeniedException",
      status: 400,
      operation: "GenerateDataKey",
      count: 1,
    });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => use()));
    expect(outcomes.every((o) => o.status === "rejected" && isCofferError(o.reason, "forbidden"))).toBe(true);
    expect(cache.size).toBe(0);
    await use();
    expect(generated()).toBe(2);
  });

  test("the least recently used entry goes first, and its key is zero-filled", async () => {
    const { use } = setup(policy(), { maxEntries: 2 });
    let keyA: Buffer | undefined;
    await use({ t: "a" }, 1, (key) => (keyA = key));
    await use({ t: "b" });
    await use({ t: "a" }); // a is now the most recent
    await use({ t: "c" }); // evicts b
    expect(generated()).toBe(3);
    await use({ t: "a" });
    expect(generated()).toBe(3);
    await use({ t: "d" }); // evicts c
    await use({ t: "b" }); // b was evicted: a new key; evicts a
    expect(generated()).toBe(5);
    expect(keyA!.every((byte) => byte === 0)).toBe(true);
  });

  test("expired keys are zero-filled by the sweep", async () => {
    const { use, clock, cache } = setup(policy({ maxAgeMs: 1_000 }));
    let key: Buffer | undefined;
    await use(undefined, 1, (dataKey) => (key = dataKey));
    expect(key!.some((byte) => byte !== 0)).toBe(true);
    clock.advance(1_000);
    cache.sweep();
    expect(key!.every((byte) => byte === 0)).toBe(true);
    expect(cache.size).toBe(0);
  });

  test("a key evicted while KMS is still answering is used intact, then wiped", async () => {
    const { use } = setup(policy(), { maxEntries: 1 });
    let seen: Buffer | undefined;
    let intact = false;
    const first = use({ t: "a" }, 1, (key) => {
      seen = key;
      intact = key.some((byte) => byte !== 0);
    });
    const second = use({ t: "b" }); // evicts a's pending entry
    await Promise.all([first, second]);
    expect(intact).toBe(true);
    expect(seen!.every((byte) => byte === 0)).toBe(true);
  });

  test("a key evicted while other callers still wait for it is wiped only after the last one", async () => {
    const { use } = setup(policy(), { maxEntries: 1 });
    const intact: boolean[] = [];
    let eviction: Promise<unknown> | undefined;
    const waiters = Array.from({ length: 3 }, () =>
      use({ t: "a" }, 1, (key) => {
        intact.push(key.some((byte) => byte !== 0));
        eviction ??= use({ t: "b" }); // runs between the waiters and evicts a
      }),
    );
    await Promise.all(waiters);
    await eviction;
    expect(generated()).toBe(2);
    expect(intact).toEqual([true, true, true]);
  });
});
