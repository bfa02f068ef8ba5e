// What the console's "raise the minimum" confirmation counts: a key's stored records below a
// version, paged, on DynamoDB Local and the KMS emulator.
import { expect, test } from "vitest";
import { tableClock } from "@coffer/testkit/dynamo";
import { lifecycleInstance, testActor } from "@coffer/testkit/lifecycle";
import { useTableAndKms } from "@coffer/testkit/table-and-kms";
import { isCofferError } from "../errors";
import type { Caller } from "../tokens";
import { createRecordsBelowVersion } from "./records-below";

const parts = useTableAndKms();
const caller: Caller = { tokenId: "t-app", namespace: "default", scopes: ["encrypt"] };
const other: Caller = { tokenId: "t-other", namespace: "acme", scopes: ["encrypt"] };

test("counts a key's records below a version across namespaces and pages, and nothing else", async () => {
  const clock = tableClock();
  const { records, lifecycle } = lifecycleInstance({ db: parts.table.db, kms: parts.kms, clock });
  const put = (keyName: string, who: Caller, i: number) =>
    records.put({ keyName, plaintext: Buffer.from(`record ${i}`), context: {} }, who);
  for (let i = 0; i < 4; i++) await put("default", caller, i);
  for (let i = 0; i < 3; i++) await put("default", other, i);
  for (let i = 0; i < 2; i++) await put("pii", caller, i); // another key: never counted
  await lifecycle.rotate({ keyName: "default" }, testActor);
  clock.advance(2_000); // past the key ring's staleness: new records take version 2
  for (let i = 0; i < 5; i++) await put("default", caller, 10 + i);

  // Small pages, so that the count takes several calls and follows its cursor.
  const counter = createRecordsBelowVersion({ db: parts.table.db, pageItems: 3 });
  async function countAll(belowVersion: number) {
    let below = 0;
    let ofKey = 0;
    let pages = 0;
    let cursor: string | undefined;
    do {
      const page = await counter.countPage({
        keyName: "default",
        belowVersion,
        ...(cursor ? { cursor } : {}),
      });
      below += page.below;
      ofKey += page.ofKey;
      pages += 1;
      cursor = page.cursor ?? undefined;
    } while (cursor);
    return { below, ofKey, pages };
  }
  const atTwo = await countAll(2);
  expect(atTwo).toMatchObject({ below: 7, ofKey: 12 });
  expect(atTwo.pages).toBeGreaterThan(3);
  expect((await countAll(1)).below).toBe(0);
  expect((await countAll(3)).below).toBe(12);
});

test("a cursor it did not give out is refused before it reaches DynamoDB", async () => {
  const counter = createRecordsBelowVersion({ db: parts.table.db });
  for (const cursor of [
    "not-json",
    Buffer.from(JSON.stringify({ pk: "a" })).toString("base64url"),
    Buffer.from(JSON.stringify({ pk: "a", sk: 1 })).toString("base64url"),
    Buffer.from(JSON.stringify({ pk: "a", sk: "b", gsi1pk: "c" })).toString("base64url"),
  ]) {
    const outcome = await counter.countPage({ keyName: "default", belowVersion: 2, cursor }).then(
      () => "ok",
      (error: unknown) => (isCofferError(error, "invalid") ? error.reason : String(error)),
    );
    expect(outcome, cursor).toBe("bad_cursor");
  }
});
