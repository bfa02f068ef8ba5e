import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, test } from "vitest";
import { openBin, sealBin, unlockBin } from "@coffer/sealing/bins";
import { toEpochSeconds } from "../clock";
import { CofferError } from "../errors";
import { tableClock } from "@coffer/testkit/dynamo";
import { useTableAndKms } from "@coffer/testkit/table-and-kms";
import { CreateBinInput, RevealBinInput, UpdateBinInput } from "./schemas";
import { createBinService } from "./service";
import { b64 } from "@coffer/testkit/b64";
import { createTestBin, sealForCreate } from "@coffer/testkit/bins";

const parts = useTableAndKms();

const origin = { sourceIp: "192.0.2.10" };
const roomy = { max: 10_000, windowSeconds: 60 };

function setup(
  options: { rateLimits?: { issueKey: typeof roomy; create: typeof roomy; manage: typeof roomy } } = {},
) {
  const clock = tableClock();
  const bins = createBinService({
    db: parts.table.db,
    kms: parts.kms.kms,
    clock,
    keyId: parts.kms.keys.bins.arn,
    rateLimits: options.rateLimits ?? { issueKey: roomy, create: roomy, manage: roomy },
  });
  return { bins, clock };
}

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: unknown) =>
      error instanceof CofferError ? `${error.kind}:${error.reason}` : `unexpected:${String(error)}`,
  );

const rawItem = async (binId: string) =>
  (await parts.table.db.entities.bin.get({ binId }).go({ consistent: true })).data;
const revealInput = (binId: string, readProof: Uint8Array) =>
  RevealBinInput.parse({ binId, readProof: b64(readProof) });

async function updateInput(
  bin: Awaited<ReturnType<typeof createTestBin>>,
  text: string,
  overrides: Record<string, unknown> = {},
) {
  const sealed = await sealBin({
    key: bin.key,
    binId: bin.binId,
    version: 2,
    payload: { kind: "text", text },
  });
  return UpdateBinInput.parse({
    binId: bin.binId,
    wrappedKey: bin.wrappedKey,
    version: 1,
    kind: "text",
    ciphertext: b64(sealed.ciphertext),
    iv: b64(sealed.iv),
    readProof: b64(sealed.readProof),
    ...overrides,
  });
}

describe("reading", () => {
  test("get shows metadata only and burns nothing; reveal hands the content to the key holder once", async () => {
    const { bins, clock } = setup();
    const bin = await createTestBin(bins, origin);
    for (let i = 0; i < 5; i++) {
      const meta = await bins.get({ binId: bin.binId });
      expect(meta).toEqual({
        exists: true,
        kind: "text",
        version: 1,
        expiresAt: toEpochSeconds(clock.now()) + 86_400,
        readsLeft: 1,
        maxReads: 1,
        needsPassphrase: false,
        passphraseSalt: null,
      });
    }
    const revealed = await bins.reveal(revealInput(bin.binId, bin.sealed.readProof));
    expect(revealed.readsLeft).toBe(0);
    const { contentKey } = await unlockBin({ key: bin.key, binId: bin.binId });
    const opened = await openBin({
      contentKey,
      binId: bin.binId,
      version: revealed.version,
      iv: Buffer.from(revealed.iv, "base64url"),
      ciphertext: Buffer.from(revealed.ciphertext, "base64url"),
    });
    expect(opened).toEqual(bin.payload);
    expect(await bins.get({ binId: bin.binId })).toEqual({ exists: false });
    expect(await outcome(bins.reveal(revealInput(bin.binId, bin.sealed.readProof)))).toBe(
      "not_found:bin_gone",
    );
    expect(await bins.get({ binId: "A".repeat(22) })).toEqual({ exists: false });
  });

  test("of 50 concurrent reveals of a one-read bin, exactly one gets the content", async () => {
    const { bins } = setup();
    const bin = await createTestBin(bins, origin);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => bins.reveal(revealInput(bin.binId, bin.sealed.readProof))),
    );
    const winners = results.filter((r) => r.status === "fulfilled");
    expect(winners).toHaveLength(1);
    const losers = results.flatMap((r) =>
      r.status === "rejected" ? [`${r.reason.kind}:${r.reason.reason}`] : [],
    );
    expect(new Set(losers)).toEqual(new Set(["not_found:bin_gone"]));
    expect(await rawItem(bin.binId)).toBeNull();
  });

  test("a three-read bin serves exactly three of 20 concurrent readers", async () => {
    const { bins } = setup();
    const bin = await createTestBin(bins, origin, { maxReads: 3 });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => bins.reveal(revealInput(bin.binId, bin.sealed.readProof))),
    );
    const readsLeft = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.readsLeft] : []));
    expect(readsLeft.sort()).toEqual([0, 1, 2]);
  });

  test("a wrong read proof or passphrase is refused and burns nothing", async () => {
    const { bins } = setup();
    const bin = await createTestBin(bins, origin, { passphrase: "correct horse", maxReads: 2 });
    const meta = await bins.get({ binId: bin.binId });
    expect(meta).toMatchObject({ needsPassphrase: true, passphraseSalt: bin.wire.passphraseSalt });
    const salt = Buffer.from(bin.wire.passphraseSalt!, "base64url");
    const wrong = await unlockBin({
      key: bin.key,
      binId: bin.binId,
      passphrase: "correct hose",
      passphraseSalt: salt,
    });
    for (let i = 0; i < 3; i++) {
      expect(await outcome(bins.reveal(revealInput(bin.binId, wrong.readProof)))).toBe(
        "forbidden:bin_passphrase_wrong",
      );
    }
    expect(await outcome(bins.reveal(revealInput(bin.binId, new Uint8Array(32))))).toBe(
      "forbidden:bin_passphrase_wrong",
    );
    expect((await rawItem(bin.binId))?.readsLeft).toBe(2);
    const right = await unlockBin({
      key: bin.key,
      binId: bin.binId,
      passphrase: "correct horse",
      passphraseSalt: salt,
    });
    expect((await bins.reveal(revealInput(bin.binId, right.readProof))).readsLeft).toBe(1);

    const plain = await createTestBin(bins, origin);
    expect(await outcome(bins.reveal(revealInput(plain.binId, new Uint8Array(32))))).toBe(
      "forbidden:bin_read_proof_wrong",
    );
    expect((await rawItem(plain.binId))?.readsLeft).toBe(1);
  });

  test("an expired bin is refused on every path before the TTL sweep removes it", async () => {
    const { bins, clock } = setup();
    const bin = await createTestBin(bins, origin, { expiresInSeconds: 300, maxReads: 5 });
    clock.advance(300_000);
    expect(await rawItem(bin.binId)).not.toBeNull(); // still in the table: no sweep has run
    expect(await bins.get({ binId: bin.binId })).toEqual({ exists: false });
    expect(await outcome(bins.reveal(revealInput(bin.binId, bin.sealed.readProof)))).toBe(
      "not_found:bin_gone",
    );
    expect(await outcome(bins.update(await updateInput(bin, "late"), origin))).toBe("not_found:bin_gone");
    expect(
      await outcome(
        bins.delete({ binId: bin.binId, wrappedKey: Buffer.from(bin.wrappedKey, "base64url") }, origin),
      ),
    ).toBe("not_found:bin_gone");
    expect((await rawItem(bin.binId))?.readsLeft).toBe(5);
  });
});

describe("creating", () => {
  test("the stored item holds no key, wrapped key, read proof or plaintext", async () => {
    const { bins } = setup();
    const text = "plaintext-marker-7f3a9c: do not store me";
    const made = [
      await createTestBin(bins, origin, { payload: { kind: "text", text } }),
      await createTestBin(bins, origin, { payload: { kind: "text", text }, passphrase: "pw" }),
      await createTestBin(bins, origin, {
        payload: { kind: "file", name: "plans.pdf", type: "application/pdf", bytes: Buffer.from(text) },
      }),
    ];
    const { Items = [] } = await parts.table.dynamo.send(
      new ScanCommand({ TableName: parts.table.tableName, ConsistentRead: true }),
    );
    const stored = Items.filter((item) => made.some((bin) => item.binId?.S === bin.binId));
    expect(stored).toHaveLength(3);
    const strings: string[] = [];
    const blobs: Buffer[] = [];
    for (const item of stored) {
      for (const value of Object.values(item)) {
        if (value.S !== undefined) strings.push(value.S);
        if (value.B !== undefined) blobs.push(Buffer.from(value.B));
      }
    }
    for (const bin of made) {
      const secrets = [
        bin.key,
        Buffer.from(bin.wrappedKey, "base64url"),
        Buffer.from(bin.sealed.readProof),
        Buffer.from(text),
        Buffer.from("plans.pdf"),
      ];
      for (const secret of secrets) {
        for (const encoded of [
          secret.toString("base64url"),
          secret.toString("base64"),
          secret.toString("hex"),
          secret.toString("latin1"),
        ]) {
          expect(strings.some((s) => s.includes(encoded))).toBe(false);
        }
        expect(blobs.some((blob) => blob.includes(secret))).toBe(false);
      }
    }
  });

  test("a key issued for another bin, a wrong commitment or a second create is refused", async () => {
    const { bins } = setup();
    const [a, b] = [await bins.issueKey(origin), await bins.issueKey(origin)];
    const forA = (await sealForCreate(a)).wire;
    expect(
      await outcome(bins.create(CreateBinInput.parse({ ...forA, wrappedKey: b.wrappedKey }), origin)),
    ).toBe("forbidden:bin_key_refused");
    expect(await outcome(bins.create(CreateBinInput.parse({ ...forA, wrappedKey: undefined }), origin))).toBe(
      "forbidden:bin_key_refused",
    );
    const otherCommitment = (await sealForCreate(b)).wire.manageCommitment;
    expect(
      await outcome(
        bins.create(CreateBinInput.parse({ ...forA, manageCommitment: otherCommitment }), origin),
      ),
    ).toBe("forbidden:bin_key_refused");
    expect(await outcome(bins.create(CreateBinInput.parse(forA), origin))).toBe("ok");
    expect(await outcome(bins.create(CreateBinInput.parse(forA), origin))).toBe("conflict:condition_failed");
  });

  test("with KMS down, create is SERVICE_UNAVAILABLE and stores nothing; reading needs no KMS", async () => {
    const { bins } = setup();
    const ready = await createTestBin(bins, origin);
    const issued = await bins.issueKey(origin);
    const { wire } = await sealForCreate(issued);
    const rule = parts.kms.emulator.faults.add({ kind: "unavailable", mode: "status503" });
    try {
      expect(await outcome(bins.create(CreateBinInput.parse(wire), origin))).toBe(
        "unavailable:kms_unavailable",
      );
      expect(await outcome(bins.issueKey(origin))).toBe("unavailable:kms_unavailable");
      expect(await rawItem(issued.binId)).toBeNull();
      expect(await bins.get({ binId: ready.binId })).toMatchObject({ exists: true });
      expect(await outcome(bins.reveal(revealInput(ready.binId, ready.sealed.readProof)))).toBe("ok");
    } finally {
      parts.kms.emulator.faults.remove(rule);
    }
    expect(await outcome(bins.create(CreateBinInput.parse(wire), origin))).toBe("ok");
  });

  test("issueKey, create, update and delete are rate-limited per source IP", async () => {
    const { bins } = setup({
      rateLimits: {
        issueKey: { max: 3, windowSeconds: 60 },
        create: { max: 2, windowSeconds: 60 },
        manage: { max: 2, windowSeconds: 60 },
      },
    });
    const issued = await Promise.all([0, 1, 2].map(() => bins.issueKey({ sourceIp: "198.51.100.1" })));
    expect(await outcome(bins.issueKey({ sourceIp: "198.51.100.1" }))).toBe("rate_limited:rate_limited");
    expect(await outcome(bins.issueKey({ sourceIp: "198.51.100.2" }))).toBe("ok");
    const results = [];
    for (const one of issued)
      results.push(
        await outcome(
          bins.create(CreateBinInput.parse((await sealForCreate(one)).wire), { sourceIp: "198.51.100.1" }),
        ),
      );
    expect(results).toEqual(["ok", "ok", "rate_limited:rate_limited"]);
    // Guessing wrapped keys for a known bin id costs KMS calls, so it is budgeted too.
    const garbage = { binId: issued[0]!.binId, wrappedKey: Buffer.alloc(64, 7) };
    const attacker = { sourceIp: "198.51.100.66" };
    const attempts = [];
    for (let i = 0; i < 3; i++) attempts.push(await outcome(bins.delete(garbage, attacker)));
    expect(attempts).toEqual([
      "forbidden:manage_proof_refused",
      "forbidden:manage_proof_refused",
      "rate_limited:rate_limited",
    ]);
  });
});

describe("managing", () => {
  test("of 20 concurrent updates from the same version, exactly one wins and the rest are CONFLICT", async () => {
    const { bins } = setup();
    const bin = await createTestBin(bins, origin);
    const inputs = await Promise.all(Array.from({ length: 20 }, (_, i) => updateInput(bin, `edit ${i}`)));
    const results = await Promise.all(inputs.map((input) => outcome(bins.update(input, origin))));
    expect(results.filter((r) => r === "ok")).toHaveLength(1);
    expect(results.filter((r) => r === "conflict:bin_version_stale")).toHaveLength(19);
    const winner = results.indexOf("ok");
    const stored = await rawItem(bin.binId);
    expect(stored?.version).toBe(2);
    expect(Buffer.from(stored!.ciphertext as Uint8Array)).toEqual(inputs[winner]!.ciphertext);
    // The winner's content is what a reader now gets.
    const { contentKey, readProof } = await unlockBin({ key: bin.key, binId: bin.binId });
    const revealed = await bins.reveal(revealInput(bin.binId, readProof));
    const opened = await openBin({
      contentKey,
      binId: bin.binId,
      version: 2,
      iv: Buffer.from(revealed.iv, "base64url"),
      ciphertext: Buffer.from(revealed.ciphertext, "base64url"),
    });
    expect(opened).toEqual({ kind: "text", text: `edit ${winner}` });
  });

  test("update and delete with a wrong, foreign or missing wrapped key are FORBIDDEN and change nothing", async () => {
    const { bins } = setup();
    const bin = await createTestBin(bins, origin);
    const other = await createTestBin(bins, origin);
    const before = await rawItem(bin.binId);
    const wrapped = Buffer.from(bin.wrappedKey, "base64url");
    const tampered = Buffer.from(wrapped);
    tampered[tampered.length - 1]! ^= 1;
    const badKeys = { wrong: b64(tampered), foreign: other.wrappedKey, missing: undefined, empty: "" };
    for (const [name, wrappedKey] of Object.entries(badKeys)) {
      const update = await updateInput(bin, `hijack by ${name}`, { wrappedKey });
      expect([name, await outcome(bins.update(update, origin))]).toEqual([
        name,
        "forbidden:manage_proof_refused",
      ]);
      const remove = {
        binId: bin.binId,
        wrappedKey: wrappedKey === undefined ? undefined : Buffer.from(wrappedKey, "base64url"),
      };
      expect([name, await outcome(bins.delete(remove, origin))]).toEqual([
        name,
        "forbidden:manage_proof_refused",
      ]);
    }
    expect(await rawItem(bin.binId)).toEqual(before);
  });

  test("the owner updates (a reader then gets the new content) and deletes", async () => {
    const { bins } = setup();
    const bin = await createTestBin(bins, origin, { maxReads: 2 });
    expect(await bins.update(await updateInput(bin, "second draft"), origin)).toEqual({
      binId: bin.binId,
      version: 2,
    });
    expect(await outcome(bins.update(await updateInput(bin, "stale draft"), origin))).toBe(
      "conflict:bin_version_stale",
    );
    expect(await bins.get({ binId: bin.binId })).toMatchObject({ version: 2, readsLeft: 2 });
    expect(
      await bins.delete({ binId: bin.binId, wrappedKey: Buffer.from(bin.wrappedKey, "base64url") }, origin),
    ).toEqual({ binId: bin.binId, deleted: true });
    expect(await bins.get({ binId: bin.binId })).toEqual({ exists: false });
    expect(
      await outcome(
        bins.delete({ binId: bin.binId, wrappedKey: Buffer.from(bin.wrappedKey, "base64url") }, origin),
      ),
    ).toBe("not_found:bin_gone");
  });
});
