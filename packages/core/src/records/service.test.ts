import { expect, test, vi } from "vitest";
import { toEpochSeconds } from "../clock";
import { createEnvelopeCrypto } from "../crypto";
import { parseEnvelope } from "../crypto/format";
import { isCofferError } from "../errors";
import { tableClock } from "@coffer/testkit/dynamo";
import { useTableAndKms } from "@coffer/testkit/table-and-kms";
import { PutRecordInput } from "./schemas";
import { createRecordService } from "./service";

vi.mock("../crypto/format", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../crypto/format")>();
  return { ...actual, parseEnvelope: vi.fn(actual.parseEnvelope) };
});

const parts = useTableAndKms();

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
  const crypto = createEnvelopeCrypto({ kms: parts.kms.kms, clock, keys: parts.kms.ring });
  const records = createRecordService({ db: parts.table.db, crypto, clock });
  const expiresAt = toEpochSeconds(clock.now()) + 60;
  const input = PutRecordInput.parse({ keyName: "default", plaintext: "c2hvcnQtbGl2ZWQ", expiresAt });
  const { recordId } = await records.put(input, caller);
  expect(await reasonOf(records.get({ recordId }, caller))).toBe("ok");

  clock.advance(60_000);
  expect(await reasonOf(records.get({ recordId }, caller))).toBe("not_found:record_not_found");
  expect(await reasonOf(records.delete({ recordId }, caller))).toBe("not_found:record_not_found");
  const { data } = await parts.table.db.entities.record.get({ recordId }).go({ consistent: true });
  expect(data?.expiresAt).toBe(expiresAt);
});

test("get parses the stored envelope once and answers with its context", async () => {
  const crypto = createEnvelopeCrypto({ kms: parts.kms.kms, clock: tableClock(), keys: parts.kms.ring });
  const records = createRecordService({ db: parts.table.db, crypto, clock: tableClock() });
  const context = { tenant: "acme" };
  const input = PutRecordInput.parse({ keyName: "default", plaintext: "b25jZQ", context });
  const { recordId } = await records.put(input, caller);
  vi.mocked(parseEnvelope).mockClear();
  const record = await records.get({ recordId }, caller);
  expect(record).toMatchObject({ context, plaintext: "b25jZQ", keyVersion: 1 });
  expect(parseEnvelope).toHaveBeenCalledTimes(1);
});
