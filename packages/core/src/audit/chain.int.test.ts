// The audit chains against direct tampering in DynamoDB: an edited, deleted or reordered event is
// reported by verify at its place and for the right reason; an admin change whose audit write fails
// changes nothing; the tokens chain records token admin.
import { GetCommand, PutCommand, DeleteCommand } from "@aws-sdk/lib-dynamodb";
import { expect, test } from "vitest";
import { tableClock } from "@coffer/testkit/dynamo";
import { lifecycleInstance, testActor } from "@coffer/testkit/lifecycle";
import { useTableAndKms } from "@coffer/testkit/table-and-kms";
import { createTokenService } from "../tokens";
import { parseToken } from "../tokens/secret";
import { createAuditService } from "./service";
import { outcomeOf } from "@coffer/testkit/outcome";

const parts = useTableAndKms();
let chain: string;

/** The raw item of event `seq` in `chain`, as DynamoDB holds it. */
async function rawEvent(seq: number) {
  const { db } = parts.table;
  const params = db.entities.audit.get({ chain, seq }).params() as { Key: Record<string, string> };
  const { Item } = await db.client.send(new GetCommand({ TableName: db.table, Key: params.Key }));
  return Item!;
}
const putRaw = (item: Record<string, unknown>) =>
  parts.table.db.client.send(new PutCommand({ TableName: parts.table.db.table, Item: item }));

async function fourEvents(name: "default" | "pii") {
  const admin = lifecycleInstance({ db: parts.table.db, kms: parts.kms, clock: tableClock() });
  await admin.lifecycle.disable({ keyName: name }, testActor);
  await admin.lifecycle.enable({ keyName: name }, testActor);
  await admin.lifecycle.disable({ keyName: name }, testActor);
  await admin.lifecycle.enable({ keyName: name }, testActor);
  return admin;
}

const audit = () => createAuditService({ db: parts.table.db });

test("an intact chain verifies, and every append's head went to the log port", async () => {
  const admin = await fourEvents("default");
  chain = "key:default";
  const result = await audit().verify({ chain });
  expect(result).toMatchObject({ ok: true, events: 4, headSeq: 4 });
  expect(admin.heads.map((h) => h.seq)).toEqual([1, 2, 3, 4]);
  expect(result.ok && result.headHash).toBe(admin.heads.at(-1)!.hash);
  const listed = await audit().list({ chain, limit: 2 });
  expect(listed.events.map((e) => [e.seq, e.action, e.actorTokenId, e.namespace, e.requestId])).toEqual([
    [4, "key.enable", "t-admin", "ops", "req-test"],
    [3, "key.disable", "t-admin", "ops", "req-test"],
  ]);

  // Edited: one detail changed in place.
  const third = await rawEvent(3);
  await putRaw({ ...third, action: "key.enable" });
  expect(await audit().verify({ chain })).toMatchObject({ ok: false, brokenAt: 3, because: "edited" });
  await putRaw(third);

  // Reordered: events 2 and 3 swap places (each keeps its own content and hash).
  const [second, third2] = [await rawEvent(2), await rawEvent(3)];
  await putRaw({ ...third2, pk: second.pk, sk: second.sk });
  await putRaw({ ...second, pk: third2.pk, sk: third2.sk });
  expect(await audit().verify({ chain })).toMatchObject({ ok: false, brokenAt: 2, because: "reordered" });
  await putRaw(second);
  await putRaw(third2);
  expect(await audit().verify({ chain })).toMatchObject({ ok: true });

  // Missing: event 2 deleted; then the tail (event 4) deleted, which only the head shows.
  const { db } = parts.table;
  await db.client.send(new DeleteCommand({ TableName: db.table, Key: { pk: second.pk, sk: second.sk } }));
  expect(await audit().verify({ chain })).toMatchObject({ ok: false, brokenAt: 2, because: "missing" });
  await putRaw(second);
  const fourth = await rawEvent(4);
  await db.client.send(new DeleteCommand({ TableName: db.table, Key: { pk: fourth.pk, sk: fourth.sk } }));
  expect(await audit().verify({ chain })).toMatchObject({ ok: false, brokenAt: 4, because: "missing" });
  await putRaw(fourth);
  expect(await audit().verify({ chain })).toMatchObject({ ok: true, events: 4 });
});

test("an admin operation whose audit write fails changes nothing", async () => {
  const admin = lifecycleInstance({ db: parts.table.db, kms: parts.kms, clock: tableClock() });
  await admin.lifecycle.disable({ keyName: "pii" }, testActor);
  await admin.lifecycle.enable({ keyName: "pii" }, testActor);
  chain = "key:pii";
  // Fault: an event already sits at the chain's next place, so the audit write's condition fails.
  const last = await rawEvent(2);
  const squatter = { ...last, sk: last.sk.replace(/000000000002$/, "000000000003"), seq: 3 };
  await putRaw(squatter);

  const outcome = await outcomeOf(admin.lifecycle.disable({ keyName: "pii" }, testActor));
  expect(outcome).toBe("unavailable:audit_write_failed");
  const key = (await admin.lifecycle.list()).keys.find((k) => k.keyName === "pii")!;
  expect(key.state).toBe("enabled"); // the change was in the failed transaction
  const envelope = await admin.crypto.encrypt({
    keyName: "pii",
    plaintext: Buffer.from("still on"),
    context: {},
  });
  expect(envelope.length).toBeGreaterThan(0);
});

test("token admin is chained too, naming the actor and never a secret", async () => {
  const tokens = createTokenService({ db: parts.table.db, clock: tableClock() });
  const actor = { tokenId: "t-root", requestId: "req-1" };
  const created = await tokens.create({ name: "svc", scopes: ["encrypt"] }, actor);
  await tokens.revoke({ tokenId: created.tokenId }, actor);
  chain = "tokens";
  const { events } = await audit().list({ chain });
  expect(events.map((e) => [e.action, e.subject, e.actorTokenId])).toEqual([
    ["token.revoke", created.tokenId, "t-root"],
    ["token.create", created.tokenId, "t-root"],
  ]);
  const { secret } = parseToken(created.token)!;
  expect(JSON.stringify(events)).not.toContain(created.token);
  expect(JSON.stringify(events)).not.toContain(secret.toString("base64url"));
  expect(await audit().verify({ chain })).toMatchObject({ ok: true, events: 2 });
});
