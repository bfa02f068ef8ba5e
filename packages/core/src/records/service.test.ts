import { describe, expect, test, vi } from "vitest";
import { toEpochSeconds } from "../clock";
import { createEnvelopeCrypto } from "../crypto";
import { parseEnvelope } from "../crypto/format";
import { isCofferError } from "../errors";
import { tableClock } from "@coffer/testkit/dynamo";
import { useTableAndKms } from "@coffer/testkit/table-and-kms";
import { PutRecordInput } from "./schemas";
import { createRecordService } from "./service";
import { outcomeOf } from "@coffer/testkit/outcome";

vi.mock("../crypto/format", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../crypto/format")>();
  return { ...actual, parseEnvelope: vi.fn(actual.parseEnvelope) };
});

const parts = useTableAndKms();

const caller = { tokenId: "t-records", namespace: "acme", scopes: ["encrypt", "decrypt"] as const };
test("a record past its expiry is refused while DynamoDB still holds it", async () => {
  // The service's clock runs ahead of the real one, so the item is expired for the service but
  // not for DynamoDB's TTL job: what answers here is the service's own check.
  const clock = tableClock();
  const crypto = createEnvelopeCrypto({ kms: parts.kms.kms, clock, keys: parts.kms.ring });
  const records = createRecordService({ db: parts.table.db, crypto, clock });
  const expiresAt = toEpochSeconds(clock.now()) + 60;
  const input = PutRecordInput.parse({ keyName: "default", plaintext: "c2hvcnQtbGl2ZWQ", expiresAt });
  const { recordId } = await records.put(input, caller);
  expect(await outcomeOf(records.get({ recordId }, caller))).toBe("ok");

  clock.advance(60_000);
  expect(await outcomeOf(records.get({ recordId }, caller))).toBe("not_found:record_not_found");
  expect(await outcomeOf(records.delete({ recordId }, caller))).toBe("not_found:record_not_found");
  const { data } = await parts.table.db.entities.record
    .get({ namespace: caller.namespace, recordId })
    .go({ consistent: true });
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

describe("records belong to a namespace (issue 13, finding 3)", () => {
  const other = { tokenId: "t-other", namespace: "globex", scopes: ["encrypt", "decrypt"] as const };
  const service = () => {
    const crypto = createEnvelopeCrypto({ kms: parts.kms.kms, clock: tableClock(), keys: parts.kms.ring });
    return createRecordService({ db: parts.table.db, crypto, clock: tableClock() });
  };

  test("another namespace gets NOT_FOUND on get and delete, exactly as for a missing id, and the record survives", async () => {
    const records = service();
    const input = PutRecordInput.parse({ keyName: "default", plaintext: "bWluZQ", context: { a: "1" } });
    const { recordId } = await records.put(input, caller);
    const missing = "A".repeat(22);
    const answer = (promise: Promise<unknown>) =>
      promise.then(
        () => "ok",
        (error: unknown) =>
          isCofferError(error) ? JSON.stringify([error.kind, error.reason, error.message]) : String(error),
      );
    const refusal = await answer(records.get({ recordId: missing }, caller));
    expect(await answer(records.get({ recordId }, other))).toBe(refusal);
    expect(await answer(records.delete({ recordId }, other))).toBe(refusal);
    expect(await outcomeOf(records.get({ recordId }, caller))).toBe("ok");
    expect((await records.list({}, other)).records).toEqual([]);
  });

  test("list shows the namespace's records, newest first, in pages", async () => {
    const records = service();
    const tenant = { ...caller, namespace: `list-${Date.now()}` };
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const input = PutRecordInput.parse({ keyName: "default", plaintext: "eA" });
      ids.push((await records.put(input, tenant)).recordId);
    }
    await records.put(PutRecordInput.parse({ keyName: "default", plaintext: "eA" }), other);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await records.list({ limit: 2, ...(cursor ? { cursor } : {}) }, tenant);
      expect(page.records.length).toBeLessThanOrEqual(2);
      seen.push(...page.records.map((r) => r.recordId));
      cursor = page.cursor ?? undefined;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(await outcomeOf(records.list({ cursor: "bm90LWEtY3Vyc29y" }, tenant))).toBe("invalid:bad_cursor");
  });
});
