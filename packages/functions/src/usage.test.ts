// Usage counters and the refusal log, through the routers in-process (the same middleware that every
// request runs), on DynamoDB Local and the KMS emulator, with an injected clock: two services built
// on one table are two warm Lambda instances, each with its own meter.
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { TRPCError } from "@trpc/server";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { CofferError } from "@coffer/core/errors";
import { b64 } from "@coffer/testkit/b64";
import { sealForCreate } from "@coffer/testkit/bins";
import { tableClock } from "@coffer/testkit/dynamo";
import { useTableAndKms } from "@coffer/testkit/table-and-kms";
import { appRouter } from "./app-router";
import { createContext } from "./context";
import { createServices, type Services } from "./services";
import { createCallerFactory } from "./trpc";

const parts = useTableAndKms();
const clock = tableClock();
let requestCounter = 0;

beforeEach(() => void vi.spyOn(console, "log").mockImplementation(() => {})); // audit heads
afterEach(() => vi.restoreAllMocks());

function instance() {
  const keyIds = Object.fromEntries(Object.entries(parts.kms.keys).map(([name, key]) => [name, key.alias]));
  return createServices({
    kms: parts.kms.kms,
    dynamo: parts.table.dynamo,
    tableName: parts.table.tableName,
    clock,
    stage: "test",
    version: "0.0.0",
    keyIds,
    sealKeyId: parts.kms.seal.alias,
  });
}

const callerOf = (services: Services, token?: string) =>
  createCallerFactory(appRouter)(
    createContext(services, {
      requestId: `req-${++requestCounter}`,
      sourceIp: "192.0.2.7",
      authorization: token === undefined ? undefined : `Bearer ${token}`,
    }),
  );

/** "ok", or the refusal's tRPC code and reason ("PRECONDITION_FAILED:key_disabled"). */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "ok";
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    const reason = error.cause instanceof CofferError ? error.cause.reason : undefined;
    return reason ? `${error.code}:${reason}` : error.code;
  }
}

async function tokens(services: Services) {
  const admin = await services.tokens.create({ name: "usage-admin", scopes: ["admin"] });
  const app = await services.tokens.create({
    name: "usage-app",
    namespace: "acme",
    scopes: ["encrypt", "decrypt", "datakey", "rewrap"],
  });
  return { admin, app };
}

/** Moves past the flush interval and lets one cheap request carry the instance's flush. */
async function flushByRequest(services: Services, token: string) {
  clock.advance(1_000);
  await callerOf(services, token).admin.keys.list();
}

const totalsOf = async (services: Services, adminToken: string, keyName: string) =>
  (await callerOf(services, adminToken).admin.keys.list()).keys.find((key) => key.keyName === keyName)!.usage;

test(
  "50 concurrent encrypts on two instances count exactly 50, per key version, per token and per day",
  { timeout: 90_000 },
  async () => {
    const [one, two] = [instance(), instance()];
    const { admin, app } = await tokens(one);
    const plaintext = b64("0123456789"); // 10 bytes
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        outcome(
          callerOf(i % 2 === 0 ? one : two, app.token).crypto.encrypt({
            keyName: "default",
            plaintext,
            // One context: the subject is counting, and the data-key cache spares 50 KMS calls.
            context: { test: "count" },
          }),
        ),
      ),
    );
    expect(outcomes.every((result) => result === "ok")).toBe(true);
    // Each instance flushed at most on its first request (nothing before it) and once more below: not
    // once per request.
    expect(one.usage.stats().flushes).toBeLessThanOrEqual(1);
    await flushByRequest(one, admin.token);
    await flushByRequest(two, admin.token);
    expect(one.usage.stats().flushes + two.usage.stats().flushes).toBeLessThanOrEqual(4);

    expect(await totalsOf(one, admin.token, "default")).toEqual([
      { version: 1, encrypts: 50, decrypts: 0, bytes: 500 },
    ]);
    const listed = (await callerOf(one, admin.token).admin.tokens.list({})).tokens;
    expect(listed.find((token) => token.tokenId === app.tokenId)!.usage).toEqual({
      encrypts: 50,
      decrypts: 0,
      bytes: 500,
      lastUsedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(listed.find((token) => token.tokenId === admin.tokenId)!.usage).toEqual({
      encrypts: 0,
      decrypts: 0,
      bytes: 0,
      lastUsedAt: null,
    });
    const today = new Date(clock.now()).toISOString().slice(0, 10);
    expect(await callerOf(two, admin.token).admin.keys.usage({ keyName: "default" })).toEqual({
      keyName: "default",
      days: [{ day: today, version: 1, encrypts: 50, decrypts: 0, bytes: 500 }],
    });
  },
);

test("after a rotation, uses count under each version; decrypts and data keys count too, rewraps do not", async () => {
  const services = instance();
  const { admin, app } = await tokens(services);
  const user = callerOf(services, app.token);
  const encrypt = (text: string) => user.crypto.encrypt({ keyName: "pii", plaintext: b64(text) });
  const v1 = await encrypt("one"); // 3 bytes
  await encrypt("four");
  await callerOf(services, admin.token).admin.keys.rotate({ keyName: "pii" });
  const v2 = await encrypt("seven"); // 5 bytes
  await user.crypto.decrypt({ envelope: v1.envelope });
  await user.crypto.decrypt({ envelope: v2.envelope });
  // A data key issued counts as an encrypt of 0 bytes, under the current version.
  await user.keys.dataKey({ keyName: "pii" });
  // A rewrap moves a data key without touching a payload: neither an encrypt nor a decrypt.
  expect((await user.crypto.rewrap({ envelope: v1.envelope })).toVersion).toBe(2);
  await flushByRequest(services, admin.token);

  expect(await totalsOf(services, admin.token, "pii")).toEqual([
    { version: 1, encrypts: 2, decrypts: 1, bytes: 3 + 4 + 3 },
    { version: 2, encrypts: 2, decrypts: 1, bytes: 5 + 5 },
  ]);
});

test("local mode: each data key issued or opened counts as one 0-byte use of its version, per token", async () => {
  const services = instance();
  const { admin, app } = await tokens(services);
  const user = callerOf(services, app.token);
  const context = { tenant: "local" };
  // Other tests of this file use the same table: compare the key's counts before and after.
  await flushByRequest(services, admin.token);
  const atVersion = async (version: number) =>
    (await totalsOf(services, admin.token, "pii")).find((entry) => entry.version === version) ?? {
      version,
      encrypts: 0,
      decrypts: 0,
      bytes: 0,
    };
  const issued = await user.crypto.issueEnvelopeKey({ keyName: "pii", context });
  const { keyName, keyVersion, mode, wrappedKey } = issued;
  const before = await atVersion(keyVersion);
  await user.crypto.openEnvelopeKey({ keyName, keyVersion, mode, wrappedKey, context });
  await user.crypto.openEnvelopeKey({ keyName, keyVersion, mode, wrappedKey, context });
  await flushByRequest(services, admin.token);

  const after = await atVersion(keyVersion);
  expect({ decrypts: after.decrypts - before.decrypts, bytes: after.bytes - before.bytes }).toEqual({
    decrypts: 2,
    bytes: 0,
  });
  const listed = (await callerOf(services, admin.token).admin.tokens.list({})).tokens;
  expect(listed.find((token) => token.tokenId === app.tokenId)!.usage).toMatchObject({
    encrypts: 1,
    decrypts: 2,
    bytes: 0,
  });
});

test("day buckets follow the injected clock; the report keeps the days asked for", async () => {
  const services = instance();
  const { admin, app } = await tokens(services);
  const user = callerOf(services, app.token);
  const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const before = (await callerOf(services, admin.token).admin.keys.usage({ keyName: "default", days: 90 }))
    .days;
  const firstDay = dayOf(clock.now());
  await user.crypto.encrypt({ keyName: "default", plaintext: b64("ab") });
  clock.advance(86_400_000);
  const secondDay = dayOf(clock.now());
  await user.crypto.encrypt({ keyName: "default", plaintext: b64("abc") });
  await user.crypto.encrypt({ keyName: "default", plaintext: b64("abcd") });
  await flushByRequest(services, admin.token);

  const report = async (days: number) =>
    (await callerOf(services, admin.token).admin.keys.usage({ keyName: "default", days })).days;
  const earlierOnFirstDay = before.find((bucket) => bucket.day === firstDay);
  expect(await report(2)).toEqual([
    {
      day: firstDay,
      version: 1,
      encrypts: (earlierOnFirstDay?.encrypts ?? 0) + 1,
      decrypts: 0,
      bytes: (earlierOnFirstDay?.bytes ?? 0) + 2,
    },
    { day: secondDay, version: 1, encrypts: 2, decrypts: 0, bytes: 7 },
  ]);
  expect(await report(1)).toEqual([{ day: secondDay, version: 1, encrypts: 2, decrypts: 0, bytes: 7 }]);
});

test("a failed flush fails no request; the counts arrive with a later flush, once", async () => {
  const services = instance();
  const { admin, app } = await tokens(services);
  const user = callerOf(services, app.token);
  const before = (await totalsOf(services, admin.token, "default"))[0]?.encrypts ?? 0;
  const warned = vi.spyOn(console, "warn").mockImplementation(() => {});
  // DynamoDB refuses every counter write (an outage of the usage items only).
  const send = DynamoDBDocumentClient.prototype.send;
  vi.spyOn(DynamoDBDocumentClient.prototype, "send").mockImplementation(function (
    this: DynamoDBDocumentClient,
    command: never,
  ) {
    const { input } = command as { input: { Key?: { pk?: string } } };
    if (String(input.Key?.pk).startsWith("$coffer#usageOf_"))
      return Promise.reject(
        Object.assign(new Error("injected"), { name: "InternalServerError", $metadata: {} }),
      );
    return (send as (command: unknown) => Promise<unknown>).call(this, command);
  } as never);

  expect(await outcome(user.crypto.encrypt({ keyName: "default", plaintext: b64("x") }))).toBe("ok");
  clock.advance(1_000);
  expect(await outcome(user.crypto.encrypt({ keyName: "default", plaintext: b64("y") }))).toBe("ok");
  expect(services.usage.stats().failedFlushes).toBeGreaterThanOrEqual(1);
  const line = warned.mock.calls
    .map(([text]) => String(text))
    .find((text) => text.includes("usage_flush_failed"));
  expect(JSON.parse(line!)).toMatchObject({ level: "warn", event: "usage_flush_failed" });
  expect(line).not.toContain(app.token);

  vi.mocked(DynamoDBDocumentClient.prototype.send).mockRestore();
  await flushByRequest(services, admin.token);
  expect((await totalsOf(services, admin.token, "default"))[0]!.encrypts).toBe(before + 2);
});

test("refusals are counted per namespace and reason, and sampled at most 5 a minute across instances", async () => {
  const [one, two] = [instance(), instance()];
  const { admin, app } = await tokens(one);
  const since = clock.now();
  // Twelve calls with a token that does not exist, spread over two instances.
  const refused = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      outcome(
        callerOf(i % 2 ? one : two, "coffer_forged").crypto.encrypt({
          keyName: "default",
          plaintext: b64("x"),
        }),
      ),
    ),
  );
  expect(new Set(refused)).toEqual(new Set(["UNAUTHORIZED:token_invalid"]));
  // The app token lacks the admin scope: counted under its namespace, with its token id.
  for (let i = 0; i < 3; i++)
    expect(await outcome(callerOf(one, app.token).admin.keys.list())).toBe("FORBIDDEN:scope_missing");
  await flushByRequest(one, admin.token);
  await flushByRequest(two, admin.token);

  const all = await callerOf(one, admin.token).admin.refusals.list({ since });
  expect(all.counts).toEqual(
    expect.arrayContaining([
      { namespace: "-", reason: "token_invalid", count: 12 },
      { namespace: "acme", reason: "scope_missing", count: 3 },
    ]),
  );
  const forged = all.samples.filter((sample) => sample.reason === "token_invalid");
  expect(forged.length).toBeGreaterThanOrEqual(1);
  expect(forged.length).toBeLessThanOrEqual(5);
  expect(forged[0]).toEqual({
    at: expect.any(String),
    namespace: "-",
    reason: "token_invalid",
    procedure: "crypto.encrypt",
    requestId: expect.stringMatching(/^req-\d+$/),
    tokenId: null,
  });
  expect(JSON.stringify(all)).not.toContain("coffer_forged");

  const acme = await callerOf(two, admin.token).admin.refusals.list({ since, namespace: "acme" });
  expect(acme.counts).toEqual([{ namespace: "acme", reason: "scope_missing", count: 3 }]);
  expect(acme.samples).toHaveLength(3);
  expect(acme.samples.every((sample) => sample.tokenId === app.tokenId)).toBe(true);
  expect(JSON.stringify(acme)).not.toContain(app.token);

  // A new minute opens five new sample slots.
  clock.advance(60_000);
  await outcome(callerOf(one, "coffer_forged").crypto.encrypt({ keyName: "default", plaintext: b64("x") }));
  await flushByRequest(one, admin.token);
  const later = await callerOf(one, admin.token).admin.refusals.list({ since });
  expect(later.samples.filter((sample) => sample.reason === "token_invalid")).toHaveLength(forged.length + 1);
});

test("a burned bin is counted and sampled under no namespace", async () => {
  const services = instance();
  const { admin } = await tokens(services);
  const since = clock.now();
  const anyone = callerOf(services);
  const issued = await anyone.bins.issueKey();
  const { wire, revealWire } = await sealForCreate(issued, { maxReads: 1 });
  await anyone.bins.create(wire);
  await anyone.bins.reveal(revealWire);
  await flushByRequest(services, admin.token);
  const { counts, samples } = await callerOf(services, admin.token).admin.refusals.list({
    since,
    namespace: "-",
  });
  expect(counts).toEqual(expect.arrayContaining([{ namespace: "-", reason: "bin_burned", count: 1 }]));
  expect(samples.find((sample) => sample.reason === "bin_burned")).toMatchObject({
    procedure: "bins.reveal",
  });
});

test("bad input to the new procedures is BAD_REQUEST", async () => {
  const services = instance();
  const { admin } = await tokens(services);
  const adminCaller = callerOf(services, admin.token);
  for (const input of [
    { keyName: "default", days: 0 },
    { keyName: "default", days: 91 },
    { keyName: "default", days: 1.5 },
    { keyName: "nope" },
  ])
    expect(await outcome(adminCaller.admin.keys.usage(input as never)), JSON.stringify(input)).toBe(
      "BAD_REQUEST",
    );
  for (const input of [{ namespace: "Not A Namespace" }, { since: -1 }, { extra: 1 }])
    expect(await outcome(adminCaller.admin.refusals.list(input as never)), JSON.stringify(input)).toBe(
      "BAD_REQUEST",
    );
});
