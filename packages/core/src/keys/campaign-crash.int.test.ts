// A rewrap campaign over 10,000 records, killed twice in the middle of a step: every record ends at
// the current version exactly once, the counts add up, and a record updated while the campaign runs
// keeps its update. A "kill" stops the step loop at a random record (the writes already in flight
// land, as they would when a process dies after sending them) and the next step runs on a brand-new
// instance with empty caches, as after a crash.
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { randomInt } from "node:crypto";
import { expect, test } from "vitest";
import { tableClock } from "@coffer/testkit/dynamo";
import { lifecycleInstance, testActor } from "@coffer/testkit/lifecycle";
import { useTableAndKms } from "@coffer/testkit/table-and-kms";
import { inspectEnvelope } from "../crypto";

const parts = useTableAndKms();
const RECORDS = Number(process.env.COFFER_CAMPAIGN_TEST_RECORDS ?? 10_000);

class Killed extends Error {}

async function allRecords() {
  const { db } = parts.table;
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.client.send(
      new ScanCommand({
        TableName: db.table,
        FilterExpression: "#e = :record",
        ExpressionAttributeNames: { "#e": "__edb_e__" },
        ExpressionAttributeValues: { ":record": "record" },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

test(
  `a campaign over ${RECORDS} records survives two kills; every record moves exactly once`,
  { timeout: 600_000 },
  async () => {
    const clock = tableClock();
    const seed = lifecycleInstance({ db: parts.table.db, kms: parts.kms, clock });
    const context = { tenant: "bulk" };
    const items = [];
    for (let i = 0; i < RECORDS; i++) {
      const envelope = await seed.crypto.encrypt({
        keyName: "default",
        plaintext: Buffer.from(`record ${i}`),
        context,
      });
      items.push({
        namespace: "default",
        recordId: `r${String(i).padStart(20, "0")}x`,
        keyName: "default",
        envelope,
        sizeBytes: 9,
        createdAt: 1,
      });
    }
    await parts.table.db.entities.record.put(items).go({ concurrency: 4 });

    await seed.lifecycle.rotate({ keyName: "default" }, testActor);
    const { campaignId } = await seed.campaigns.start({ keyName: "default" }, testActor);
    clock.advance(1_000);

    // Kill points: two random record writes, one in each half. One record, somewhere in the middle,
    // is updated by someone else between the campaign's read of it and its conditional write.
    const kills = [randomInt(500, RECORDS / 2), randomInt(RECORDS / 2, RECORDS - 500)];
    const updatedId = items[randomInt(RECORDS / 4, (3 * RECORDS) / 4)]!.recordId;
    let writes = 0;
    let updated = false;
    const beforeWrite = async (recordId: string) => {
      writes += 1;
      if (kills.includes(writes)) throw new Killed(`killed at write ${writes}`);
      if (recordId === updatedId && !updated) {
        updated = true;
        const envelope = await seed.crypto.encrypt({
          keyName: "default",
          plaintext: Buffer.from("updated meanwhile"),
          context,
        });
        await parts.table.db.entities.record.patch({ namespace: "default", recordId }).set({ envelope }).go();
      }
    };

    let instance = lifecycleInstance({ db: parts.table.db, kms: parts.kms, clock });
    let killed = 0;
    let steps = 0;
    const started = Date.now();
    for (;;) {
      try {
        steps += 1;
        const state = await instance.campaigns.step(campaignId, { pageSize: 500, beforeWrite });
        if (state.status === "completed") break;
      } catch (error) {
        if (!(error instanceof Killed)) throw error;
        killed += 1;
        instance = lifecycleInstance({ db: parts.table.db, kms: parts.kms, clock }); // a new process
      }
    }
    const seconds = (Date.now() - started) / 1000;
    expect(killed).toBe(2);
    expect(updated).toBe(true);

    const final = await instance.campaigns.status({ campaignId });
    expect(final).toMatchObject({ status: "completed", total: RECORDS, failures: 0, gone: 0 });
    expect(final.rewrapped + final.alreadyCurrent + final.gone + final.failures).toBe(RECORDS);
    expect(final.rewrapped).toBe(RECORDS - 1);
    expect(final.alreadyCurrent).toBe(1); // the updated record, written at version 2 by its updater

    const stored = await allRecords();
    expect(stored).toHaveLength(RECORDS);
    const versions = new Map<number, number>();
    for (const item of stored) {
      const version = inspectEnvelope(item.envelope as Uint8Array).keyVersion;
      versions.set(version, (versions.get(version) ?? 0) + 1);
      if (item.recordId !== updatedId) expect(item.rewrappedBy).toBe(campaignId);
    }
    expect(Object.fromEntries(versions)).toEqual({ 2: RECORDS });

    const reader = lifecycleInstance({ db: parts.table.db, kms: parts.kms, clock });
    const caller = { tokenId: "t", namespace: "default", scopes: ["decrypt" as const] };
    const updatedRecord = await reader.records.get({ recordId: updatedId }, caller);
    expect(Buffer.from(updatedRecord.plaintext, "base64url").toString()).toBe("updated meanwhile");
    for (let n = 0; n < 200; n++) {
      const i = randomInt(RECORDS);
      if (items[i]!.recordId === updatedId) continue;
      const opened = await reader.records.get({ recordId: items[i]!.recordId }, caller);
      expect(Buffer.from(opened.plaintext, "base64url").toString()).toBe(`record ${i}`);
    }
    console.log(
      JSON.stringify({
        records: RECORDS,
        kills: killed,
        steps,
        seconds,
        recordsPerSecond: Math.round(RECORDS / seconds),
        reEncrypts: parts.kms.calls("ReEncrypt"),
      }),
    );
  },
);
