// The key lifecycle's acceptance, on DynamoDB Local and the KMS emulator: rotate, retire, rewrap,
// raise the minimum by itself, disable on a second warm instance, and exactly one of concurrent
// rotations.
import { expect, test } from "vitest";
import { tableClock } from "@coffer/testkit/dynamo";
import { lifecycleInstance, testActor } from "@coffer/testkit/lifecycle";
import { useTableAndKms } from "@coffer/testkit/table-and-kms";
import { createAuditService } from "../audit";
import { inspectEnvelope } from "../crypto";
import type { Kms } from "../kms";
import type { Caller } from "../tokens";
import { outcomeOf } from "@coffer/testkit/outcome";

const parts = useTableAndKms();
const caller: Caller = {
  tokenId: "t-app",
  namespace: "default",
  scopes: ["encrypt", "decrypt", "rewrap", "datakey"],
};
const text = (value: string) => Buffer.from(value);
async function runCampaign(instance: ReturnType<typeof lifecycleInstance>, campaignId: string) {
  for (let i = 0; i < 100; i++) {
    // Small pages, so that the campaign takes several checkpointed steps.
    const state = await instance.campaigns.step(campaignId, { pageSize: 25 });
    if (state.status === "completed") return state;
  }
  throw new Error("campaign did not finish");
}

test(
  "rotate, retire version 1, rewrap every stored record, then a campaign raises the minimum by itself",
  { timeout: 120_000 },
  async () => {
    const clock = tableClock();
    const admin = lifecycleInstance({ db: parts.table.db, kms: parts.kms, clock });
    const { crypto, records, lifecycle, campaigns } = admin;
    const context = { tenant: "acme" };

    const oldEnvelope = await crypto.encrypt({ keyName: "default", plaintext: text("v1 secret"), context });
    expect(inspectEnvelope(oldEnvelope).keyVersion).toBe(1);
    const stored = [];
    for (let i = 0; i < 20; i++)
      stored.push(await records.put({ keyName: "default", plaintext: text(`record ${i}`), context }, caller));

    const rotated = await lifecycle.rotate({ keyName: "default" }, testActor);
    expect(rotated.currentVersion).toBe(2);
    expect(rotated.versions.at(-1)).toMatchObject({
      version: 2,
      source: "on_demand",
      kmsKeyMaterialId: expect.any(String),
    });

    const newEnvelope = await crypto.encrypt({ keyName: "default", plaintext: text("v2 secret"), context });
    expect(inspectEnvelope(newEnvelope).keyVersion).toBe(2);
    expect((await crypto.decrypt({ envelope: oldEnvelope, context })).plaintext.toString()).toBe("v1 secret");
    expect((await crypto.decrypt({ envelope: newEnvelope, context })).plaintext.toString()).toBe("v2 secret");

    expect(
      await outcomeOf(
        lifecycle.setMinDecryptionVersion({ keyName: "default", minDecryptionVersion: 3 }, testActor),
      ),
    ).toBe("invalid:min_version_above_current");
    await lifecycle.setMinDecryptionVersion({ keyName: "default", minDecryptionVersion: 2 }, testActor);
    parts.kms.emulator.resetCounts();
    expect(await outcomeOf(crypto.decrypt({ envelope: oldEnvelope, context }))).toBe(
      "key_unusable:key_version_retired",
    );
    expect(await outcomeOf(records.get({ recordId: stored[0]!.recordId }, caller))).toBe(
      "key_unusable:key_version_retired",
    );
    expect(await outcomeOf(crypto.rewrap({ envelope: oldEnvelope }))).toBe(
      "key_unusable:key_version_retired",
    );
    expect(parts.kms.emulator.requestCounts()).toEqual({}); // refused before any KMS call

    // A campaign moves the stored version-1 records (the minimum stays where it is: no auto-raise).
    const started = await campaigns.start({ keyName: "default" }, testActor);
    expect(started).toMatchObject({ targetVersion: 2, status: "counting" });
    clock.advance(1_000); // the ring's bound, after which no instance writes version 1
    const finished = await runCampaign(admin, started.campaignId);
    expect(finished).toMatchObject({
      status: "completed",
      total: 20,
      rewrapped: 20,
      failures: 0,
      minRaised: false,
    });
    // The 20 records were sealed under one cached data key, so they share its ReEncrypt: one per
    // data key and step (campaign-sharing.int.test.ts counts them exactly), not one per record.
    // Not exactly 1: the small pages (25) can split the 20 records over two steps.
    expect(parts.kms.calls("ReEncrypt")).toBeGreaterThan(0);
    expect(parts.kms.calls("ReEncrypt")).toBeLessThan(20);
    expect(parts.kms.calls("Decrypt")).toBe(0); // never a payload, never a data key in the clear
    for (const [i, record] of stored.entries()) {
      const opened = await records.get({ recordId: record.recordId }, caller);
      expect({
        version: opened.keyVersion,
        text: Buffer.from(opened.plaintext, "base64url").toString(),
      }).toEqual({
        version: 2,
        text: `record ${i}`,
      });
    }

    // Rotate again; the auto-raise campaign lifts the minimum to 3 when it completes cleanly.
    await lifecycle.rotate({ keyName: "default" }, testActor);
    const auto = await campaigns.start({ keyName: "default", raiseMinOnCompletion: true }, testActor);
    expect(await outcomeOf(campaigns.start({ keyName: "default" }, testActor))).toBe(
      "conflict:campaign_running",
    );
    clock.advance(1_000);
    expect(await runCampaign(admin, auto.campaignId)).toMatchObject({ rewrapped: 20, minRaised: true });
    const [key] = (await lifecycle.list()).keys.filter((k) => k.keyName === "default");
    expect(key).toMatchObject({ currentVersion: 3, minDecryptionVersion: 3, activeCampaignId: null });
    expect(await outcomeOf(crypto.decrypt({ envelope: newEnvelope, context }))).toBe(
      "key_unusable:key_version_retired",
    );
    expect((await records.get({ recordId: stored[5]!.recordId }, caller)).keyVersion).toBe(3);
  },
);

test("disable reaches a second, already-warm instance within the ring's bound, caches included; enable restores", async () => {
  const clock = tableClock();
  const admin = lifecycleInstance({ db: parts.table.db, kms: parts.kms, clock });
  const warm = lifecycleInstance({ db: parts.table.db, kms: parts.kms, clock });
  const context = { tenant: "warm" };
  const envelope = await warm.crypto.encrypt({ keyName: "pii", plaintext: text("hot"), context });
  await warm.crypto.decrypt({ envelope, context }); // both key caches now hold pii's keys
  const { recordId } = await warm.records.put({ keyName: "pii", plaintext: text("rec"), context }, caller);
  const wrapped = await warm.dataKeys.generate({ keyName: "pii", plaintext: false, context }, caller);

  await admin.lifecycle.disable({ keyName: "pii" }, testActor);
  const everyProcedure = () => ({
    encrypt: outcomeOf(warm.crypto.encrypt({ keyName: "pii", plaintext: text("x"), context })),
    decrypt: outcomeOf(warm.crypto.decrypt({ envelope, context })),
    rewrap: outcomeOf(warm.crypto.rewrap({ envelope })),
    recordsPut: outcomeOf(warm.records.put({ keyName: "pii", plaintext: text("x"), context }, caller)),
    recordsGet: outcomeOf(warm.records.get({ recordId }, caller)),
    dataKey: outcomeOf(warm.dataKeys.generate({ keyName: "pii", context }, caller)),
    decryptDataKey: outcomeOf(
      warm.dataKeys.decrypt(
        { keyName: "pii", wrappedKey: Buffer.from(wrapped.wrappedKey, "base64url"), context },
        caller,
      ),
    ),
  });
  const resolve = async (calls: Record<string, Promise<string>>) =>
    Object.fromEntries(
      await Promise.all(Object.entries(calls).map(async ([name, call]) => [name, await call])),
    );

  clock.advance(1_000); // the stated bound: 1 s
  parts.kms.emulator.resetCounts();
  const refused = await resolve(everyProcedure());
  expect(new Set(Object.values(refused))).toEqual(new Set(["key_unusable:key_disabled"]));
  expect(parts.kms.emulator.requestCounts()).toEqual({}); // the warm caches served nothing either
  // The admin's own instance sees it at once.
  expect(await outcomeOf(admin.crypto.decrypt({ envelope, context }))).toBe("key_unusable:key_disabled");

  await admin.lifecycle.enable({ keyName: "pii" }, testActor);
  clock.advance(1_000);
  expect(new Set(Object.values(await resolve(everyProcedure())))).toEqual(new Set(["ok"]));
});

test("of concurrent rotations exactly one makes the new version", async () => {
  const clock = tableClock();
  const instances = [0, 1, 2].map(() => lifecycleInstance({ db: parts.table.db, kms: parts.kms, clock }));
  const before = (await instances[0]!.lifecycle.list()).keys.find((k) => k.keyName === "pii")!.currentVersion;
  const outcomes = await Promise.all(
    instances.map((i) => outcomeOf(i.lifecycle.rotate({ keyName: "pii" }, testActor))),
  );
  expect(outcomes.filter((o) => o === "ok")).toHaveLength(1);
  expect(outcomes.filter((o) => o !== "ok").every((o) => o.startsWith("conflict:"))).toBe(true);
  const after = (await instances[0]!.lifecycle.list()).keys.find((k) => k.keyName === "pii")!;
  expect(after.currentVersion).toBe(before + 1);
  expect(after.versions.map((v) => v.version)).toEqual([...Array(before + 1).keys()].map((i) => i + 1));
});

test("the rotation sync turns KMS's automatic rotations into versions", async () => {
  const clock = tableClock();
  const admin = lifecycleInstance({ db: parts.table.db, kms: parts.kms, clock });
  const before = await admin.lifecycle.ensure("default");
  parts.kms.emulator.rotate(parts.kms.keys.default.keyId);
  const synced = await admin.lifecycle.syncRotations("default", "req-sync");
  expect(synced.currentVersion).toBe(before.currentVersion + 1);
  expect(synced.versions.at(-1)).toMatchObject({ source: "automatic" });
  expect((await admin.lifecycle.syncRotations("default", "req-sync-2")).currentVersion).toBe(
    synced.currentVersion,
  );
  const envelope = await admin.crypto.encrypt({
    keyName: "default",
    plaintext: text("after sync"),
    context: {},
  });
  expect(inspectEnvelope(envelope).keyVersion).toBe(synced.currentVersion);
});

test("a rotation that the sync records before rotate writes it answers success; another rotate there is still a conflict", async () => {
  const clock = tableClock();
  const db = parts.table.db;
  const scheduled = lifecycleInstance({ db, kms: parts.kms, clock });
  // The admin's instance reaches KMS through a port that runs `race` right after KMS rotated the
  // key: where the stack's maintenance (every 300 ms there) can fall, between rotate's KMS call and
  // its write. No sleeps: the interleaving is fixed.
  let race = async (): Promise<unknown> => undefined;
  const real = parts.kms.kms;
  const racedKms: Kms = {
    ...real,
    rotateKeyOnDemand: async (keyId) => {
      await real.rotateKeyOnDemand(keyId);
      await race();
    },
  };
  const admin = lifecycleInstance({ db, kms: { ...parts.kms, kms: racedKms }, clock });
  const before = await admin.lifecycle.ensure("default");

  race = () => scheduled.lifecycle.syncRotations("default", "req-sync");
  const rotated = await admin.lifecycle.rotate({ keyName: "default" }, testActor);
  expect(rotated.currentVersion).toBe(before.currentVersion + 1); // one version, not two
  expect(rotated.versions.map((v) => v.version)).toEqual(
    [...Array(before.currentVersion + 1).keys()].map((i) => i + 1),
  );
  const audit = createAuditService({ db });
  const [rotateEvent, syncEvent] = (await audit.list({ chain: "key:default", limit: 2 })).events;
  expect(syncEvent).toMatchObject({
    action: "key.sync_rotations",
    actorTokenId: "system:rotation-sync",
    details: { fromVersion: before.currentVersion, toVersion: before.currentVersion + 1 },
  });
  // The admin's rotation is in the chain too: who asked, and that the sync recorded it.
  expect(rotateEvent).toMatchObject({
    action: "key.rotate",
    actorTokenId: testActor.tokenId,
    details: { toVersion: before.currentVersion + 1, recordedBySyncEvent: syncEvent!.seq },
  });
  expect(await audit.verify({ chain: "key:default" })).toMatchObject({ ok: true });

  // Another rotate landing at the same point is a real conflict: two rotations at once.
  race = () => scheduled.lifecycle.rotate({ keyName: "default" }, { ...testActor, tokenId: "t-other" });
  expect(await outcomeOf(admin.lifecycle.rotate({ keyName: "default" }, testActor))).toBe(
    "conflict:rotation_conflict",
  );
  const after = (await admin.lifecycle.list()).keys.find((k) => k.keyName === "default")!;
  expect(after.currentVersion).toBe(before.currentVersion + 2);
});
