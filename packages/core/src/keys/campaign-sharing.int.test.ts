// Within a campaign step, records sealed under one cached data key share one KMS ReEncrypt (the
// data key was wrapped once, and is rewrapped once); records under other data keys or contexts get
// their own, and every record opens at the new version with its own plaintext.
import { expect, test } from "vitest";
import { tableClock } from "@coffer/testkit/dynamo";
import { lifecycleInstance, testActor } from "@coffer/testkit/lifecycle";
import { useTableAndKms } from "@coffer/testkit/table-and-kms";
import type { Caller } from "../tokens";

const parts = useTableAndKms();
const caller: Caller = { tokenId: "t-app", namespace: "default", scopes: ["encrypt", "decrypt"] };

test("one ReEncrypt per data key and step, and every record opens at the new version", async () => {
  const clock = tableClock();
  const instance = lifecycleInstance({ db: parts.table.db, kms: parts.kms, clock });
  const stored: { recordId: string; text: string }[] = [];
  for (const tenant of ["acme", "globex"])
    for (let i = 0; i < 5; i++) {
      const text = `${tenant} ${i}`;
      const { recordId } = await instance.records.put(
        { keyName: "default", plaintext: Buffer.from(text), context: { tenant } },
        caller,
      );
      stored.push({ recordId, text });
    }
  // Two contexts, so two data keys (a cached data key serves one context), five records each.
  expect(parts.kms.calls("GenerateDataKey")).toBe(2);

  await instance.lifecycle.rotate({ keyName: "default" }, testActor);
  const { campaignId } = await instance.campaigns.start({ keyName: "default" }, testActor);
  clock.advance(1_000);
  let state;
  do state = await instance.campaigns.step(campaignId, { pageSize: 1_000 });
  while (state.status !== "completed");
  expect(state).toMatchObject({ total: 10, rewrapped: 10, failures: 0 });
  expect(parts.kms.calls("ReEncrypt")).toBe(2);

  for (const { recordId, text } of stored) {
    const opened = await instance.records.get({ recordId }, caller);
    expect({
      version: opened.keyVersion,
      text: Buffer.from(opened.plaintext, "base64url").toString(),
    }).toEqual({
      version: 2,
      text,
    });
  }
});
