import { afterAll, beforeAll, expect, test } from "vitest";
import { isCofferError } from "../errors";
import { createTestTable, type TestTable } from "@coffer/testkit/dynamo";
import { guard } from "./guard";

let table: TestTable;
beforeAll(async () => void (table = await createTestTable()));
afterAll(() => table.drop());

test("records keep their envelope as exact binary", async () => {
  const envelope = Uint8Array.from([0, 255, 1, 254, 128]);
  await table.db.entities.record
    .create({ namespace: "n", recordId: "r1", keyName: "default", envelope, sizeBytes: 5, createdAt: 1 })
    .go();
  const { data } = await table.db.entities.record.get({ namespace: "n", recordId: "r1" }).go();
  expect(Buffer.from(data!.envelope as Uint8Array)).toEqual(Buffer.from(envelope));
});

test("a second create of the same id is a conflict", async () => {
  const create = () =>
    guard(
      table.db.entities.record
        .create({
          namespace: "n",
          recordId: "r2",
          keyName: "default",
          envelope: new Uint8Array(1),
          sizeBytes: 1,
          createdAt: 1,
        })
        .go(),
    );
  await create();
  const error = await create().catch((e: unknown) => e);
  expect(isCofferError(error, "conflict")).toBe(true);
});

test("ids differing only in letter case are different items (base64url is case-sensitive)", async () => {
  const make = (recordId: string, byte: number) =>
    table.db.entities.record
      .create({
        namespace: "n",
        recordId,
        keyName: "default",
        envelope: Uint8Array.of(byte),
        sizeBytes: 1,
        createdAt: 1,
      })
      .go();
  await make("CaseSensitiveId_aaaaaa", 1);
  await make("casesensitiveid_AAAAAA", 2);
  const upper = await table.db.entities.record
    .get({ namespace: "n", recordId: "CaseSensitiveId_aaaaaa" })
    .go();
  const lower = await table.db.entities.record
    .get({ namespace: "n", recordId: "casesensitiveid_AAAAAA" })
    .go();
  expect([...(upper.data!.envelope as Uint8Array)]).toEqual([1]);
  expect([...(lower.data!.envelope as Uint8Array)]).toEqual([2]);
});
