// Fault injection, seen from the stock SDK with its default retry strategy: what is retried, how
// often, and what finally surfaces. Each test that counts attempts uses a fresh client, so an earlier
// test's spent retry quota cannot change the outcome.
import {
  CreateAliasCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  type KMSClient,
} from "@aws-sdk/client-kms";
import { afterEach, beforeAll, describe, expect, onTestFinished, test, vi } from "vitest";
import { createClient, createKey, failureOf, useEmulator, utf8 } from "./test-kit";

let clockMs = Date.UTC(2026, 0, 1);
const kms = useEmulator({ clock: { now: () => clockMs } });
let key: Awaited<ReturnType<typeof createKey>>;
let other: Awaited<ReturnType<typeof createKey>>;

beforeAll(async () => {
  key = await createKey(kms.client);
  other = await createKey(kms.client);
  kms.emulator.resetCounts();
});
afterEach(() => {
  kms.emulator.faults.clear();
  kms.emulator.resetCounts();
});

/** A client with the SDK's default retries (3 attempts), closed after the test. */
function retryingClient(config: Parameters<typeof createClient>[1] = {}): KMSClient {
  const client = createClient(kms.emulator.url, { maxAttempts: 3, ...config });
  onTestFinished(() => client.destroy());
  return client;
}
const dataKey = (client: KMSClient, keyId = key.KeyId) =>
  client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256" }));

describe("retried faults", () => {
  test("503 twice, then success: attempts === 3, and the server saw three calls", async () => {
    kms.emulator.faults.add({ kind: "unavailable", mode: "status503", count: 2 });
    const out = await dataKey(retryingClient());
    expect(out.$metadata.attempts).toBe(3);
    expect(kms.emulator.requestCounts()).toEqual({ GenerateDataKey: 3 });
    expect(kms.emulator.lastRequestHeaders("GenerateDataKey")?.["amz-sdk-request"]).toBe("attempt=3; max=3");
    expect(kms.emulator.faults.list()).toEqual([]);
  });

  test("ThrottlingException twice, then success: attempts === 3", async () => {
    kms.emulator.faults.add({ kind: "throttle", count: 2 });
    const out = await dataKey(retryingClient());
    expect(out.$metadata.attempts).toBe(3);
  });

  test("a persistent 500 KMSInternalException surfaces after 3 attempts", async () => {
    kms.emulator.faults.add({ kind: "error", type: "KMSInternalException", status: 500 });
    expect(await failureOf(dataKey(retryingClient()))).toMatchObject({
      name: "KMSInternalException",
      status: 500,
      attempts: 3,
    });
  });

  test("a socket hang-up is retried", async () => {
    kms.emulator.faults.add({ kind: "unavailable", mode: "hangup", count: 1 });
    const out = await dataKey(retryingClient());
    expect(out.$metadata.attempts).toBe(2);
  });

  test("a blackholed request times out and the retry succeeds", async () => {
    kms.emulator.faults.add({ kind: "blackhole", count: 1 });
    // The blackholed attempt never answers, so any timeout ends it; the same timeout also bounds the
    // retry, which on a loaded machine can take well over 200 ms. 2 s keeps the test short and sure.
    const client = retryingClient({ requestHandler: { requestTimeout: 2_000, throwOnRequestTimeout: true } });
    const out = await dataKey(client);
    expect(out.$metadata.attempts).toBe(2);
  });
});

describe("faults that are not retried", () => {
  test("a 400 ValidationException costs one attempt", async () => {
    kms.emulator.faults.add({ kind: "error", type: "ValidationException", status: 400, message: "injected" });
    expect(await failureOf(dataKey(retryingClient()))).toMatchObject({
      name: "ValidationException",
      status: 400,
      attempts: 1,
      message: "injected",
    });
  });

  test("a 400 AccessDeniedException reaches the caller by name", async () => {
    kms.emulator.faults.add({ kind: "error", type: "AccessDeniedException", status: 400 });
    expect(await failureOf(dataKey(kms.client))).toMatchObject({
      name: "AccessDeniedException",
      status: 400,
    });
  });
});

describe("refused connections", () => {
  test("a refuse rule gives ECONNREFUSED until it is removed, even on a kept-alive client", async () => {
    const client = createClient(kms.emulator.url);
    await dataKey(client); // opens a keep-alive connection
    const id = kms.emulator.faults.add({ kind: "unavailable", mode: "refuse" });
    // The pooled socket was dropped: reusing it resets, unless the client noticed first and reconnected.
    expect(["ECONNRESET", "ECONNREFUSED"]).toContain((await failureOf(dataKey(client))).code);
    expect(await failureOf(dataKey(client))).toMatchObject({ code: "ECONNREFUSED" });
    expect(await failureOf(dataKey(retryingClient()))).toMatchObject({ code: "ECONNREFUSED", attempts: 3 });
    kms.emulator.faults.remove(id);
    await dataKey(client);
    client.destroy();
  });

  test("durationMs ends a refuse rule by itself", async () => {
    kms.emulator.faults.add({ kind: "unavailable", mode: "refuse", durationMs: 100 });
    const client = createClient(kms.emulator.url);
    expect(await failureOf(dataKey(client))).toMatchObject({ code: "ECONNREFUSED" });
    // The rule's own timer ends it; wait for that, not for a fixed time.
    await vi.waitFor(
      () =>
        expect(kms.emulator.faults.list(), "the refuse rule should end 100 ms after it began").toEqual([]),
      { timeout: 10_000, interval: 20 },
    );
    await dataKey(client);
    client.destroy();
  });

  test("a refuse rule cannot be scoped", () => {
    expect(() =>
      kms.emulator.faults.add({ kind: "unavailable", mode: "refuse", operation: "Decrypt" }),
    ).toThrow(/refuse rule applies to every connection/);
  });
});

describe("latency", () => {
  test("latency above requestTimeout with throwOnRequestTimeout is a TimeoutError", async () => {
    kms.emulator.faults.add({ kind: "latency", ms: 300 });
    const client = retryingClient({
      maxAttempts: 1,
      requestHandler: { requestTimeout: 100, throwOnRequestTimeout: true },
    });
    expect(await failureOf(dataKey(client))).toMatchObject({ name: "TimeoutError" });
  });

  test("latency below the timeout only slows the answer; latencies stack with an error", async () => {
    kms.emulator.faults.add({ kind: "latency", ms: 60, operation: "GenerateDataKey" });
    const started = performance.now();
    await dataKey(kms.client);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);

    kms.emulator.faults.add({ kind: "latency", minMs: 40, maxMs: 50 });
    kms.emulator.faults.add({ kind: "error", type: "KMSInternalException", status: 500 });
    const again = performance.now();
    expect(await failureOf(dataKey(kms.client))).toMatchObject({ name: "KMSInternalException" });
    expect(performance.now() - again).toBeGreaterThanOrEqual(95);
  });
});

describe("scoping", () => {
  test("by operation: other operations are untouched", async () => {
    kms.emulator.faults.add({ kind: "throttle", operation: ["Decrypt", "ReEncrypt"] });
    const blob = (await kms.client.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8("x") })))
      .CiphertextBlob;
    expect(await failureOf(kms.client.send(new DecryptCommand({ CiphertextBlob: blob })))).toMatchObject({
      name: "ThrottlingException",
      status: 400,
      message: "Rate exceeded",
    });
  });

  test("by key, named by alias: matches KeyId and the key inside a blob", async () => {
    await kms.client.send(new CreateAliasCommand({ AliasName: "alias/faulty", TargetKeyId: key.KeyId }));
    const blob = (await kms.client.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8("x") })))
      .CiphertextBlob;
    kms.emulator.faults.add({
      kind: "error",
      type: "KeyUnavailableException",
      status: 500,
      keyId: "alias/faulty",
    });
    expect(await failureOf(dataKey(kms.client, key.Arn))).toMatchObject({
      name: "KeyUnavailableException",
      status: 500,
    });
    expect(await failureOf(kms.client.send(new DecryptCommand({ CiphertextBlob: blob })))).toMatchObject({
      name: "KeyUnavailableException",
    });
    await dataKey(kms.client, other.KeyId);
  });

  test("probability 0 never applies; probability 1 always does", async () => {
    const never = kms.emulator.faults.add({ kind: "throttle", probability: 0 });
    for (let call = 0; call < 5; call++) await dataKey(kms.client);
    kms.emulator.faults.remove(never);
    kms.emulator.faults.add({ kind: "throttle", probability: 1 });
    expect(await failureOf(dataKey(kms.client))).toMatchObject({ name: "ThrottlingException" });
  });

  test("ratePerSecond throttles above the rate, per operation, on the emulator's clock", async () => {
    kms.emulator.faults.add({ kind: "throttle", ratePerSecond: 2 });
    await dataKey(kms.client);
    await dataKey(kms.client);
    expect(await failureOf(dataKey(kms.client))).toMatchObject({ name: "ThrottlingException" });
    await kms.client.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8("other operation") }));
    clockMs += 500;
    await dataKey(kms.client);
    expect(await failureOf(dataKey(kms.client))).toMatchObject({ name: "ThrottlingException" });
  });

  test("an invalid rule is refused with a reason", () => {
    expect(() => kms.emulator.faults.add({ kind: "error", type: "X", status: 200 })).toThrow(
      /status from 400 to 599/,
    );
    expect(() => kms.emulator.faults.add({ kind: "throttle", count: 0 })).toThrow(/count/);
    expect(() => kms.emulator.faults.add({ kind: "nope" } as never)).toThrow(/kind/);
  });
});

describe("counters", () => {
  test("count every call per operation, faulted ones included, until reset", async () => {
    kms.emulator.faults.add({ kind: "throttle", count: 1, operation: "Encrypt" });
    await dataKey(kms.client);
    await dataKey(kms.client);
    await failureOf(kms.client.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8("x") })));
    expect(kms.emulator.requestCounts()).toEqual({ GenerateDataKey: 2, Encrypt: 1 });
    kms.emulator.resetCounts();
    expect(kms.emulator.requestCounts()).toEqual({});
  });
});
