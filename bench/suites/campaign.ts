// Rewrap campaign throughput against local parts: DynamoDB Local (in memory) and the KMS emulator,
// records of one key moved from version 1 to 2 by the same step handler the scheduled function runs
// (pages of 500 items read, 16 records in flight). Reported, no target (DESIGN §8).
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { systemClock } from "@coffer/core/clock";
import { connectDb, ensureTable } from "@coffer/core/db";
import { startDynamoDbLocal } from "@coffer/local/dynamodb";
import { lifecycleInstance, testActor } from "@coffer/testkit/lifecycle";
import type { Suite } from "../lib/suite";

export const campaignThroughput: Suite = {
  name: "Rewrap campaign",
  async run({ kms, log, settings }) {
    const records = settings.quick ? 2_000 : 10_000;
    const emulated = await kms();
    const dynamoDbLocal = await startDynamoDbLocal({});
    const tableName = `bench_${randomUUID()}`;
    const { db, dynamo } = connectDb({
      endpoint: dynamoDbLocal.endpoint,
      table: tableName,
      region: "us-east-1",
    });
    try {
      await ensureTable(dynamo, tableName);
      const instance = lifecycleInstance({ db, kms: emulated, clock: systemClock });
      log(`campaign: storing ${records} records`);
      const items = [];
      for (let i = 0; i < records; i++) {
        const envelope = await instance.crypto.encrypt({
          keyName: "pii",
          plaintext: Buffer.from(`record ${i}`),
          context: { tenant: `t${i % 10}` },
        });
        items.push({
          namespace: "bench",
          recordId: `b${i}`,
          keyName: "pii",
          envelope,
          sizeBytes: 9,
          createdAt: 1,
        });
      }
      await db.entities.record.put(items).go({ concurrency: 4 });
      await instance.lifecycle.rotate({ keyName: "pii" }, testActor);
      const { campaignId } = await instance.campaigns.start({ keyName: "pii" }, testActor);
      await sleep(instance.ring.stalenessMs); // the campaign waits out the ring's bound

      log("campaign: rewrapping");
      const started = performance.now();
      let state = await instance.campaigns.step(campaignId);
      while (state.status !== "completed") state = await instance.campaigns.step(campaignId);
      const seconds = (performance.now() - started) / 1000;
      if (state.rewrapped !== records) throw new Error(`campaign rewrapped ${state.rewrapped} of ${records}`);
      log(`campaign: ${records} records in ${seconds.toFixed(1)} s`);
      return [
        { name: "campaign.records_per_s", value: records / seconds, unit: "ops/s" },
        { name: "campaign.records", value: records, unit: "records" },
      ];
    } finally {
      dynamo.destroy();
      await dynamoDbLocal.stop();
    }
  },
};
