import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { expect, test } from "vitest";
import { tableClock } from "@coffer/testkit/dynamo";
import { sealBySpec } from "@coffer/testkit/sealed-by-spec";
import { useTableAndKms } from "@coffer/testkit/table-and-kms";
import { createEnvelopeCrypto } from "../crypto";
import { createRecordService } from "../records";
import { createSealedService } from "../sealed";
import { CreateRequestInput, RequestLinkInput, SubmitRequestInput } from "./schemas";
import { createRequestService } from "./service";
import { outcomeOf } from "@coffer/testkit/outcome";

const parts = useTableAndKms();
const requester = { tokenId: "t-requester", namespace: "default", scopes: ["drop"] as const };
const reader = { tokenId: "t-reader", namespace: "default", scopes: ["decrypt"] as const };

function setup() {
  const clock = tableClock();
  const { db } = parts.table;
  const sealed = createSealedService({ kms: parts.kms.kms, db, clock, sealKeyId: parts.kms.seal.alias });
  const crypto = createEnvelopeCrypto({ kms: parts.kms.kms, clock, keys: parts.kms.ring });
  const requests = createRequestService({ db, crypto, clock, sealed });
  const records = createRecordService({ db, crypto, clock });
  const sealText = async (text: string) => {
    const spki = Buffer.from((await sealed.publicKey()).spki, "base64url");
    return sealBySpec(spki, Buffer.from(text), clock.now()).toString("base64url");
  };
  const submit = async (link: { requestId: string; secret: string }, text: string) =>
    requests.submit(
      SubmitRequestInput.parse({
        requestId: link.requestId,
        secret: link.secret,
        sealed: await sealText(text),
      }),
    );
  return { clock, requests, records, submit };
}

const ref = ({ requestId, secret }: { requestId: string; secret: string }) => ({ requestId, secret });
async function recordCount(): Promise<number> {
  const { Items = [] } = await parts.table.dynamo.send(
    new ScanCommand({ TableName: parts.table.tableName, ConsistentRead: true }),
  );
  return Items.filter((item) => item.__edb_e__?.S === "record").length;
}

test("submissions land as records of the requester, until the link is used up", async () => {
  const { requests, records, submit } = setup();
  const link = await requests.create(
    CreateRequestInput.parse({ note: "the VPN key, please", maxSubmissions: 2 }),
    requester,
  );
  expect(link.path).toBe(`/r/${link.requestId}#${link.secret}`);
  expect(await requests.get(RequestLinkInput.parse(ref(link)))).toMatchObject({
    note: "the VPN key, please",
    state: "open",
    remaining: 2,
  });

  expect(await submit(link, "first")).toEqual({ submitted: true, remaining: 1 });
  expect(await submit(link, "second")).toEqual({ submitted: true, remaining: 0 });
  const before = await recordCount();
  expect(await outcomeOf(submit(link, "third"))).toBe("conflict:request_used_up");
  expect(await recordCount()).toBe(before);
  expect(await requests.get(RequestLinkInput.parse(ref(link)))).toMatchObject({
    state: "used_up",
    remaining: 0,
  });

  const { requests: listed } = await requests.list(undefined, requester);
  const mine = listed.find((one) => one.requestId === link.requestId)!;
  const texts = await Promise.all(
    mine.recordIds.map(async (recordId) => {
      const record = await records.get({ recordId }, reader);
      expect(record.context).toEqual({ purpose: "request", requestId: link.requestId });
      return Buffer.from(record.plaintext, "base64url").toString();
    }),
  );
  expect(texts.sort()).toEqual(["first", "second"]);
  // Another token does not see the link.
  expect(
    (await requests.list(undefined, { tokenId: "someone-else", namespace: "default", scopes: ["drop"] }))
      .requests,
  ).toEqual([]);
});

test("a wrong secret is the same NOT_FOUND as no link, and only the secret's hash is stored", async () => {
  const { requests, submit } = setup();
  const link = await requests.create(CreateRequestInput.parse({ note: "n" }), requester);
  const wrong = { requestId: link.requestId, secret: "A".repeat(43) };
  expect(await outcomeOf(requests.get(RequestLinkInput.parse(wrong)))).toBe("not_found:request_not_found");
  expect(await outcomeOf(submit(wrong, "x"))).toBe("not_found:request_not_found");
  const { Items = [] } = await parts.table.dynamo.send(new ScanCommand({ TableName: parts.table.tableName }));
  expect(JSON.stringify(Items)).not.toContain(link.secret);
});

test("an expired link refuses submissions before any KMS call", async () => {
  const { requests, submit, clock } = setup();
  const link = await requests.create(
    CreateRequestInput.parse({ note: "n", expiresInSeconds: 300 }),
    requester,
  );
  clock.advance(301_000);
  const decrypts = parts.kms.calls("Decrypt");
  expect(await outcomeOf(submit(link, "late"))).toBe("not_found:request_expired");
  expect(parts.kms.calls("Decrypt")).toBe(decrypts);
  expect(await requests.get(RequestLinkInput.parse(ref(link)))).toMatchObject({ state: "expired" });
});

test("of concurrent submissions to a link's last place, exactly one lands", async () => {
  const { requests, submit } = setup();
  const link = await requests.create(CreateRequestInput.parse({ note: "n", maxSubmissions: 1 }), requester);
  const before = await recordCount();
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, i) => outcomeOf(submit(link, `racer ${i}`))),
  );
  expect(results.filter((result) => result === "ok")).toHaveLength(1);
  expect(new Set(results.filter((result) => result !== "ok"))).toEqual(new Set(["conflict:request_used_up"]));
  expect(await recordCount()).toBe(before + 1);
});

test("a link's key must be one the requester's token allows", async () => {
  const { requests } = setup();
  const narrow = { ...requester, keyNames: ["pii"] };
  expect(await outcomeOf(requests.create(CreateRequestInput.parse({ note: "n" }), narrow))).toBe(
    "forbidden:key_not_allowed",
  );
});
