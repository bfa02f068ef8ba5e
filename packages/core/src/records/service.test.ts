import { afterAll, beforeAll, expect, test } from "vitest";
import { toEpochSeconds } from "../clock";
import { createEnvelopeCrypto } from "../crypto";
import { startEmulatedKms, type EmulatedKms } from "../crypto/testing/emulated-kms";
import { isCofferError } from "../errors";
import { createTestTable, tableClock, type TestTable } from "../test/dynamo";
import { PutRecordInput } from "./schemas";
import { createRecordService } from "./service";

let table: TestTable;
let kms: EmulatedKms;
beforeAll(async () => {
  table = await createTestTable();
  kms = await startEmulatedKms();
});
afterAll(async () => {
  await kms?.close();
  await table?.drop();
});

const caller = { tokenId: "t-records", scopes: ["encrypt", "decrypt"] as const };
const reasonOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: unknown) => (isCofferError(error) ? `${error.kind}:${error.reason}` : String(error)),
  );

test("a record past its expiry is refused while DynamoDB still holds it", async () => {
  // The service's clock runs ahead of the real one, so the item is expired for the service but
  // not for DynamoDB's TTL job: what answers here is the service's own check.
  const clock = tableClock();
  const crypto = createEnvelopeCrypto({ kms: kms.kms, clock, keys: kms.ring });
  const records = createRecordService({ db: table.db, crypto, clock });
  const expiresAt = toEpochSeconds(clock.now()) + 60;
  const input = PutRecordInput.parse({ keyName: "default", plaintext: "c2hvcnQtbGl2ZWQ", expiresAt });
  const { recordId } = await records.put(input, caller);
  expect(await reasonOf(records.get({ recordId }, caller))).toBe("ok");

  clock.advance(60_000);
  expect(await reasonOf(records.get({ recordId }, caller))).toBe("not_found:record_not_found");
  expect(await reasonOf(records.delete({ recordId }, caller))).toBe("not_found:record_not_found");
  const { data } = await table.db.entities.record.get({ recordId }).go({ consistent: true });
  expect(data?.expiresAt).toBe(expiresAt);
});
