import { expect, onTestFinished, test } from "vitest";
import { countItemsByEntity, runDynamoEndpoint, tableClock, testTimeouts } from "@coffer/testkit/dynamo";
import { sealBySpec } from "@coffer/testkit/sealed-by-spec";
import { useTableAndKms } from "@coffer/testkit/table-and-kms";
import { createEnvelopeCrypto } from "../crypto";
import { connectDb, type Db } from "../db";
import type { CofferError } from "../errors";
import { createRecordService, createSealedDropService, PutSealedInput } from "../records";
import { createSealedService, SEALED_WINDOW_MS } from ".";
import { outcomeOf } from "@coffer/testkit/outcome";

// Sealed input against the real parts: the KMS emulator's RSA key and DynamoDB Local.
const parts = useTableAndKms();
const caller = { tokenId: "t-sealed", namespace: "default", scopes: ["drop", "decrypt"] as const };

function setup({ db }: { db: Db } = parts.table) {
  const clock = tableClock();
  const sealed = createSealedService({ kms: parts.kms.kms, db, clock, sealKeyId: parts.kms.seal.alias });
  const crypto = createEnvelopeCrypto({ kms: parts.kms.kms, clock, keys: parts.kms.ring });
  const drops = createSealedDropService({ db, crypto, clock, sealed });
  const records = createRecordService({ db, crypto, clock });
  const spki = async () => Buffer.from((await sealed.publicKey()).spki, "base64url");
  const put = (payload: Uint8Array) =>
    drops.put(
      PutSealedInput.parse({ keyName: "default", sealed: Buffer.from(payload).toString("base64url") }),
      caller,
    );
  return { clock, sealed, drops, records, spki, put };
}

test("the public key: SPKI, PEM, fingerprint and algorithm, fetched from KMS once per instance", async () => {
  const { sealed } = setup();
  const before = parts.kms.emulator.requestCounts().GetPublicKey ?? 0;
  const [first, second] = await Promise.all([sealed.publicKey(), sealed.publicKey()]);
  expect(second).toEqual(first);
  expect(first).toMatchObject({ algorithm: "RSAES_OAEP_SHA_256", format: "coffer-sealed-v1" });
  expect(first.pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
  expect((parts.kms.emulator.requestCounts().GetPublicKey ?? 0) - before).toBe(1);
});

test("a payload sealed with node:crypto from docs/sealed.md alone opens, once", async () => {
  const { sealed, spki } = setup();
  const payload = sealBySpec(await spki(), Buffer.from("from the document"));
  const opened = await sealed.openOnce(payload);
  expect(Buffer.from(opened.plaintext, "base64url").toString()).toBe("from the document");
  // A replay is refused by the nonce claim, before KMS is asked again.
  const decrypts = parts.kms.calls("Decrypt");
  expect(await outcomeOf(sealed.openOnce(payload))).toBe("conflict:sealed_replayed");
  expect(parts.kms.calls("Decrypt")).toBe(decrypts);
});

test("1,000 concurrent submissions of one payload: exactly one is stored, the rest are sealed_replayed", async () => {
  // 1,000 requests queue in this one process behind DynamoDB Local on a shared machine: the
  // client waits for as long as that takes, so that only the claim decides, never a timeout.
  const patient = connectDb({
    endpoint: runDynamoEndpoint(),
    table: parts.table.tableName,
    region: "us-east-1",
    timeouts: testTimeouts({ requestTimeoutMs: 120_000, connectionTimeoutMs: 120_000, deadlineMs: 400_000 }),
  });
  onTestFinished(() => patient.dynamo.destroy());
  const { put, spki, records } = setup(patient);
  const payload = sealBySpec(await spki(), Buffer.from("only once"));
  const before = await countItemsByEntity(parts.table);
  const results = await Promise.all(
    Array.from({ length: 1000 }, () =>
      put(payload).then(
        (r) => r,
        (e) => e,
      ),
    ),
  );
  const accepted = results.filter((result) => !(result instanceof Error));
  const refused = results
    .filter((result): result is CofferError => result instanceof Error)
    .map((error) => `${error.kind}:${error.reason}`);

  expect(accepted).toHaveLength(1);
  expect(new Set(refused)).toEqual(new Set(["conflict:sealed_replayed"]));
  const after = await countItemsByEntity(parts.table);
  expect((after.record ?? 0) - (before.record ?? 0)).toBe(1);
  expect((after.nonce ?? 0) - (before.nonce ?? 0)).toBe(1);
  const stored = await records.get({ recordId: accepted[0].recordId }, caller);
  expect(Buffer.from(stored.plaintext, "base64url").toString()).toBe("only once");
}, 300_000);

test("a timestamp 6 minutes old or 6 minutes ahead is refused and stores nothing", async () => {
  const { put, spki, clock } = setup();
  const key = await spki();
  const before = await countItemsByEntity(parts.table);
  const now = clock.now();
  expect(await outcomeOf(put(sealBySpec(key, Buffer.from("old"), now - 6 * 60_000)))).toBe(
    "invalid:sealed_expired",
  );
  expect(await outcomeOf(put(sealBySpec(key, Buffer.from("ahead"), now + 6 * 60_000)))).toBe(
    "invalid:sealed_from_future",
  );
  expect(await countItemsByEntity(parts.table)).toEqual(before);
  // Within the window either way is fine.
  expect(await outcomeOf(put(sealBySpec(key, Buffer.from("4 min"), now - 4 * 60_000)))).toBe("ok");
  expect(await outcomeOf(put(sealBySpec(key, Buffer.from("4 min ahead"), now + 4 * 60_000)))).toBe("ok");
});

/** What a one-bit flip at `at` must be refused as, from the layout in docs/sealed.md. */
function expectedReason(original: Buffer, at: number, nowMs: number): string {
  const L = original.readUInt16BE(89);
  if (at === 0) return "invalid:sealed_malformed";
  if (at <= 32) return "invalid:sealed_key_unknown";
  if (at <= 40) {
    const flipped = Buffer.from(original);
    flipped[at]! ^= 1;
    const ts = flipped.readBigUInt64BE(33);
    if (ts > BigInt(Number.MAX_SAFE_INTEGER)) return "invalid:sealed_malformed";
    const age = nowMs - Number(ts);
    if (age > SEALED_WINDOW_MS) return "invalid:sealed_expired";
    if (age < -SEALED_WINDOW_MS) return "invalid:sealed_from_future";
    return "invalid:sealed_tampered";
  }
  if (at <= 88) return "invalid:sealed_tampered"; // nonce and digest: in the AAD
  if (at <= 90) {
    const flipped = Buffer.from(original);
    flipped[at]! ^= 1;
    const L2 = flipped.readUInt16BE(89);
    const long = L2 >= 256 && L2 <= 512 && original.length >= 91 + L2 + 12 + 16;
    return long ? "invalid:sealed_key_invalid" : "invalid:sealed_malformed";
  }
  if (at < 91 + L) return "invalid:sealed_key_invalid";
  return "invalid:sealed_tampered"; // IV, ciphertext, tag
}

test("every byte of a sealed payload flipped is refused with its reason, and stores nothing", async () => {
  const { put, spki, clock } = setup();
  const key = await spki();
  // Flips that share a payload share its nonce, and a claim is held while its payload is checked, so
  // one payload's flips go one after the other. To keep the test short on a busy machine, eight
  // payloads of the same layout take turns: payload k gets the flips at offsets k, k+8, k+16, …
  const chains = 8;
  const payloads = Array.from({ length: chains }, () => sealBySpec(key, Buffer.from("flip me"), clock.now()));
  const before = await countItemsByEntity(parts.table);
  const mismatches: string[] = [];
  await Promise.all(
    payloads.map(async (payload, k) => {
      for (let at = k; at < payload.length; at += chains) {
        const flipped = Buffer.from(payload);
        flipped[at]! ^= 1;
        const got = await outcomeOf(put(flipped));
        const wanted = expectedReason(payload, at, clock.now());
        if (got !== wanted) mismatches.push(`byte ${at}: ${got}, wanted ${wanted}`);
      }
    }),
  );
  expect(mismatches).toEqual([]);
  expect(await countItemsByEntity(parts.table)).toEqual(before);
  for (const payload of payloads) expect(await outcomeOf(put(payload))).toBe("ok"); // no flip kept a claim
}, 300_000);

test("KMS throttling the RSA key is rate_limited, and claims nothing", async () => {
  const { put, spki } = setup();
  const payload = sealBySpec(await spki(), Buffer.from("busy"));
  const rule = parts.kms.emulator.faults.add({ kind: "throttle", operation: "Decrypt" });
  try {
    expect(await outcomeOf(put(payload))).toBe("rate_limited:kms_throttled");
  } finally {
    parts.kms.emulator.faults.remove(rule);
  }
  expect(await outcomeOf(put(payload))).toBe("ok");
});
