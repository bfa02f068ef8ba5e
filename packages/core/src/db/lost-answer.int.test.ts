import { afterAll, beforeAll, expect, test } from "vitest";
import { createBinService } from "../bins";
import { createEnvelopeCrypto } from "../crypto";
import { createRecordService, createSealedDropService, PutRecordInput, PutSealedInput } from "../records";
import { storeNewRecord } from "../records/new-record";
import { createRequestService } from "../requests";
import { CreateRequestInput } from "../requests/schemas";
import { createSealedService } from "../sealed";
import { createTokenService } from "../tokens";
import { createTestBin, sealForCreate } from "@coffer/testkit/bins";
import { countItemsByEntity, runDynamoEndpoint, tableClock, testTimeouts } from "@coffer/testkit/dynamo";
import { type LossyProxy, startLossyProxy } from "@coffer/testkit/lossy-proxy";
import { sealBySpec } from "@coffer/testkit/sealed-by-spec";
import { useTableAndKms } from "@coffer/testkit/table-and-kms";
import { CreateBinInput, RevealBinInput } from "../bins/schemas";
import { connectDb, createDynamoClient, type Db, RETURN_ITEM_ON_CONFLICT } from ".";
import { outcomeOf } from "@coffer/testkit/outcome";

// A write that reaches DynamoDB and is applied, whose answer is then lost: the services here talk
// to DynamoDB Local through a TCP proxy that forwards the request whole and resets the connection
// as the answer starts back. The AWS SDK retries on the reset (a real network fault, no mock), and
// the retry meets the item its own first attempt stored. The caller must get success, the table
// must hold the item once, and a different request for the same id must still be refused.

const parts = useTableAndKms();
let proxy: LossyProxy;
let lossy: { db: Db; destroy(): void };

beforeAll(async () => {
  proxy = await startLossyProxy(runDynamoEndpoint());
  const dynamo = createDynamoClient({ endpoint: proxy.url, region: "us-east-1", timeouts: testTimeouts() });
  lossy = { db: connectDb({ dynamo, table: parts.table.tableName }).db, destroy: () => dynamo.destroy() };
});
afterAll(async () => {
  lossy?.destroy();
  await proxy?.close();
});

const PUT = "DynamoDB_20120810.PutItem";
const TRANSACTION = "DynamoDB_20120810.TransactWriteItems";
const caller = { tokenId: "t-lost", namespace: "lost", scopes: ["encrypt", "decrypt", "drop"] as const };
const origin = { sourceIp: "192.0.2.77" };
const roomy = { max: 10_000, windowSeconds: 60 };

/** The marker of an ElectroDB entity's item in a request body. */
const entity = (name: string) => `"__edb_e__":{"S":"${name}"}`;

/** Runs `call` with the first answer to each request matching `faults` lost; how many were lost. */
async function losingAnswers<T>(faults: (string | string[])[], call: () => Promise<T>) {
  const lostBefore = proxy.lostAnswers;
  for (const markers of faults) proxy.loseAnswers(markers);
  const result = await call();
  return { result, lost: proxy.lostAnswers - lostBefore };
}

function services() {
  const clock = tableClock();
  const crypto = createEnvelopeCrypto({ kms: parts.kms.kms, clock, keys: parts.kms.ring });
  const db = lossy.db;
  const sealed = createSealedService({ kms: parts.kms.kms, db, clock, sealKeyId: parts.kms.seal.alias });
  return {
    records: createRecordService({ db, crypto, clock }),
    drops: createSealedDropService({ db, crypto, clock, sealed }),
    sealed,
    requests: createRequestService({ db, crypto, clock, sealed }),
    tokens: createTokenService({ db, clock }),
    bins: createBinService({
      db,
      kms: parts.kms.kms,
      clock,
      keyId: parts.kms.keys.bins.arn,
      rateLimits: { issueKey: roomy, create: roomy, manage: roomy, reveal: roomy },
    }),
  };
}

test("the fault is real: a conditional create whose answer is lost meets its own item on the retry", async () => {
  const item = { namespace: "plain", recordId: "r-plain", keyName: "default", envelope: Buffer.from("x") };
  const { result, lost } = await losingAnswers([[PUT, entity("record")]], () =>
    lossy.db.entities.record
      .create({ ...item, sizeBytes: 1, createdAt: 1 })
      .go(RETURN_ITEM_ON_CONFLICT)
      .then((r) => r.rejected),
  );
  expect(lost).toBe(1);
  expect(result).toBe(true); // the SDK's retry met the item its first attempt wrote
});

test("records.put: a lost answer is success, one record is stored, another record under its id is refused", async () => {
  const { records } = services();
  const before = await countItemsByEntity(parts.table);
  const input = PutRecordInput.parse({
    keyName: "default",
    plaintext: "bG9zdCBhbnN3ZXI",
    context: { a: "1" },
  });
  const { result: put, lost } = await losingAnswers([[PUT, entity("record")]], () =>
    records.put(input, caller),
  );
  expect(lost).toBe(1);
  expect(put.replayed).toBe(false);
  expect((await countItemsByEntity(parts.table)).record).toBe((before.record ?? 0) + 1);
  const read = await records.get({ recordId: put.recordId }, caller);
  expect(Buffer.from(read.plaintext, "base64url").toString()).toBe("lost answer");

  // A genuine duplicate: another write (its own envelope) under the same id.
  const { data: stored } = await parts.table.db.entities.record
    .get({ namespace: caller.namespace, recordId: put.recordId })
    .go({ consistent: true });
  const other = {
    ...stored!,
    envelope: Buffer.concat([Buffer.from(stored!.envelope as Uint8Array), Buffer.of(0)]),
  };
  expect(await outcomeOf(storeNewRecord(lossy.db, other as never))).toBe("conflict:record_exists");
  const { data: after } = await parts.table.db.entities.record
    .get({ namespace: caller.namespace, recordId: put.recordId })
    .go({ consistent: true });
  expect(Buffer.from(after!.envelope as Uint8Array).equals(Buffer.from(stored!.envelope as Uint8Array))).toBe(
    true,
  );
});

test("records.put with an idempotency key (a transaction): a lost answer is success and stores once", async () => {
  const { records } = services();
  const before = await countItemsByEntity(parts.table);
  const input = PutRecordInput.parse({ keyName: "default", plaintext: "dHg", idempotencyKey: "lost-tx-1" });
  const { result: put, lost } = await losingAnswers([TRANSACTION], () => records.put(input, caller));
  expect(lost).toBe(1);
  // The SDK's retry carries the first attempt's ClientRequestToken: DynamoDB answers it as the
  // first, so the caller sees a fresh put, not a replay.
  expect(put.replayed).toBe(false);
  const after = await countItemsByEntity(parts.table);
  expect(after.record).toBe((before.record ?? 0) + 1);
  expect(after.idempotency).toBe((before.idempotency ?? 0) + 1);
});

test("bins.create: a lost answer is success and stores once; another create for the same id is refused", async () => {
  const { bins } = services();
  const before = await countItemsByEntity(parts.table);
  const { result: bin, lost } = await losingAnswers([[PUT, entity("bin")]], () =>
    createTestBin(bins, origin),
  );
  expect(lost).toBe(1);
  expect(bin.created).toMatchObject({ binId: bin.binId, version: 1 });
  expect((await countItemsByEntity(parts.table)).bin).toBe((before.bin ?? 0) + 1);
  // The browser picks bin ids, so a second create for one id can happen: here a different bin
  // (fresh browser secret, IV and ciphertext) for the same id and issued key.
  const rival = await sealForCreate({
    binId: bin.binId,
    key: bin.key.toString("base64url"),
    wrappedKey: bin.wrappedKey,
  });
  expect(await outcomeOf(bins.create(CreateBinInput.parse(rival.wire), origin))).toBe(
    "conflict:condition_failed",
  );
  // The stored bin is still the first one: it reveals to its own holder.
  expect(await outcomeOf(bins.reveal(RevealBinInput.parse(bin.revealWire), origin))).toBe("ok");
});

test("sealed drop: a lost nonce claim and a lost record write are success; a replay of the payload is refused", async () => {
  const { drops, sealed } = services();
  const spki = Buffer.from((await sealed.publicKey()).spki, "base64url");
  const payload = sealBySpec(spki, Buffer.from("sealed, answer lost"));
  const put = () =>
    drops.put(
      PutSealedInput.parse({ keyName: "default", sealed: Buffer.from(payload).toString("base64url") }),
      caller,
    );
  const before = await countItemsByEntity(parts.table);
  // Two PutItems, each answer lost once: the nonce claim, then the record.
  const { result, lost } = await losingAnswers(
    [
      [PUT, entity("nonce")],
      [PUT, entity("record")],
    ],
    put,
  );
  expect(lost).toBe(2);
  expect(result.recordId).toBeTruthy();
  const after = await countItemsByEntity(parts.table);
  expect(after.nonce).toBe((before.nonce ?? 0) + 1);
  expect(after.record).toBe((before.record ?? 0) + 1);
  // The same bytes again are another request: the nonce is not accepted twice.
  expect(await outcomeOf(put())).toBe("conflict:sealed_replayed");
  expect(await countItemsByEntity(parts.table)).toEqual(after);
});

test("request links and tokens: a lost answer is success and stores once", async () => {
  const { requests, tokens } = services();
  const before = await countItemsByEntity(parts.table);
  const { result: link, lost: lostLink } = await losingAnswers([[PUT, entity("requestLink")]], () =>
    requests.create(CreateRequestInput.parse({ note: "lost answer", maxSubmissions: 1 }), caller),
  );
  expect(lostLink).toBe(1);
  expect(link.requestId).toBeTruthy();
  // tokens.create is a transaction (the token and its audit event).
  const { result: token, lost: lostToken } = await losingAnswers([TRANSACTION], () =>
    tokens.create({ name: "lost-answer", scopes: ["encrypt"] }),
  );
  expect(lostToken).toBe(1);
  expect(await tokens.authenticate(`Bearer ${token.token}`)).toMatchObject({ tokenId: token.tokenId });
  const after = await countItemsByEntity(parts.table);
  expect(after.requestLink).toBe((before.requestLink ?? 0) + 1);
  expect(after.token).toBe((before.token ?? 0) + 1);
});
