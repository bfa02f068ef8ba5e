import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { type CofferClient, createCofferClient } from "@coffer/client";
import { inspectEnvelope } from "@coffer/core/crypto";
import { startTestStack } from "@coffer/testkit/stack";
import { refusalOf as outcome } from "@coffer/testkit/refusal";
import { b64 } from "@coffer/testkit/b64";

// Key lifecycle through the API: the admin procedures run in the admin function, encrypt in the api
// function and decrypt in the decrypt function, each with its own key ring (three warm instances).
// Their codes and reasons come through the one error table; the audit chain records each change.

let stack: Awaited<ReturnType<typeof startTestStack>>;
let client: CofferClient;

beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  stack = await startTestStack();
  const token = await stack.mintToken({ name: "ops", scopes: ["encrypt", "decrypt", "rewrap", "admin"] });
  client = createCofferClient({ url: stack.gateway.url, token });
});
afterAll(() => stack.stop());

/**
 * The handlers run in this process with the system clock: another function's instance sees a
 * change within its ring's 1 s staleness, so the check is retried instead of sleeping. The wait is
 * looser than the bound because each try is a request on a possibly loaded machine; the 1 s bound
 * itself is proven with an injected clock in core's keys/lifecycle.int.test.ts.
 */
const withinBound = (check: () => Promise<void>) => vi.waitFor(check, { timeout: 10_000, interval: 100 });

test("rotate, retire, disable and enable through the API, every change on the key's audit chain", async () => {
  const context = { tenant: "api" };
  const v1 = (await client.crypto.encrypt.mutate({ keyName: "pii", plaintext: b64("one"), context }))
    .envelope;
  const logged = vi.spyOn(console, "log").mockImplementation(() => {});

  expect((await client.admin.keys.rotate.mutate({ keyName: "pii" })).currentVersion).toBe(2);
  let v2 = "";
  await withinBound(async () => {
    v2 = (await client.crypto.encrypt.mutate({ keyName: "pii", plaintext: b64("two"), context })).envelope;
    expect(inspectEnvelope(Buffer.from(v2, "base64url")).keyVersion).toBe(2);
  });
  expect(await outcome(client.crypto.decrypt.mutate({ envelope: v1, context }))).toBe("ok");

  expect(
    await outcome(
      client.admin.keys.setMinDecryptionVersion.mutate({ keyName: "pii", minDecryptionVersion: 3 }),
    ),
  ).toBe("BAD_REQUEST:min_version_above_current");
  await client.admin.keys.setMinDecryptionVersion.mutate({ keyName: "pii", minDecryptionVersion: 2 });
  await withinBound(async () =>
    expect(await outcome(client.crypto.decrypt.mutate({ envelope: v1, context }))).toBe(
      "PRECONDITION_FAILED:key_version_retired",
    ),
  );

  await client.admin.keys.disable.mutate({ keyName: "pii" });
  await withinBound(async () =>
    expect(
      await outcome(client.crypto.encrypt.mutate({ keyName: "pii", plaintext: b64("x"), context })),
    ).toBe("PRECONDITION_FAILED:key_disabled"),
  );
  await withinBound(async () =>
    expect(await outcome(client.crypto.decrypt.mutate({ envelope: v2, context }))).toBe(
      "PRECONDITION_FAILED:key_disabled",
    ),
  );
  await client.admin.keys.enable.mutate({ keyName: "pii" });
  await withinBound(async () =>
    expect(await outcome(client.crypto.decrypt.mutate({ envelope: v2, context }))).toBe("ok"),
  );

  const { events } = await client.admin.audit.list.query({ chain: "key:pii" });
  expect(events.map((e) => e.action)).toEqual([
    "key.enable",
    "key.disable",
    "key.set_min_decryption_version",
    "key.rotate",
  ]);
  expect(await client.admin.audit.verify.query({ chain: "key:pii" })).toMatchObject({ ok: true, events: 4 });
  // Each append's new head went to the function's structured log.
  const heads = logged.mock.calls
    .map(([line]) => String(line))
    .filter((line) => line.includes('"audit_head"'))
    .map((line) => JSON.parse(line) as { chain: string; seq: number; hash: string });
  expect(heads.filter((h) => h.chain === "key:pii").map((h) => h.seq)).toEqual([1, 2, 3, 4]);
  expect(heads.at(-1)!.hash).toBe(events[0]!.hash);
  logged.mockRestore();
});
