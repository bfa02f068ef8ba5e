import { randomBytes } from "node:crypto";
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
import { outcomeOf } from "@coffer/testkit/outcome";

const parts = useTableAndKms();

const origin = { sourceIp: "192.0.2.10" };
const roomy = { max: 10_000, windowSeconds: 60 };

function setup(
  options: { rateLimits?: Partial<Record<"issueKey" | "create" | "manage" | "reveal", typeof roomy>> } = {},
) {
  const clock = tableClock();
  const bins = createBinService({
    db: parts.table.db,
    kms: parts.kms.kms,
    clock,
    keyId: parts.kms.keys.bins.arn,
    rateLimits: { issueKey: roomy, create: roomy, manage: roomy, reveal: roomy, ...options.rateLimits },
  });
  return { bins, clock };
}

const rawItem = async (binId: string) =>
  (await parts.table.db.entities.bin.get({ binId }).go({ consistent: true })).data;
/** A reveal by a holder of the whole link, with this read proof (the right one unless given). */
const revealInput = (
  bin: { binId: string; sealed: { linkProof: Uint8Array; readProof: Uint8Array } },
  readProof: Uint8Array = bin.sealed.readProof,
) =>
  RevealBinInput.parse({ binId: bin.binId, linkProof: b64(bin.sealed.linkProof), readProof: b64(readProof) });

async function updateInput(
  bin: Awaited<ReturnType<typeof createTestBin>>,
  text: string,
  overrides: Record<string, unknown> = {},
) {
  const sealed = await sealBin({
    secrets: bin.secrets,
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
    linkProofHash: b64(sealed.linkProofHash),
    readProofHash: b64(sealed.readProofHash),
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
        passphraseTriesLeft: null,
      });
    }
    const revealed = await bins.reveal(revealInput(bin), origin);
    expect(revealed.readsLeft).toBe(0);
    const { contentKey } = await unlockBin({ secrets: bin.secrets, binId: bin.binId });
    const opened = await openBin({
      contentKey,
      binId: bin.binId,
      version: revealed.version,
      iv: Buffer.from(revealed.iv, "base64url"),
      ciphertext: Buffer.from((revealed as { ciphertext: string }).ciphertext, "base64url"),
    });
    expect(opened).toEqual(bin.payload);
    expect(await bins.get({ binId: bin.binId })).toEqual({ exists: false });
    expect(await outcomeOf(bins.reveal(revealInput(bin), origin))).toBe("not_found:bin_gone");
    expect(await bins.get({ binId: "A".repeat(22) })).toEqual({ exists: false });
  });

  test("of 50 concurrent reveals of a one-read bin, exactly one gets the content", async () => {
    const { bins } = setup();
    const bin = await createTestBin(bins, origin);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => bins.reveal(revealInput(bin), origin)),
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
      Array.from({ length: 20 }, () => bins.reveal(revealInput(bin), origin)),
    );
    const readsLeft = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.readsLeft] : []));
    expect(readsLeft.sort()).toEqual([0, 1, 2]);
  });

  test("a wrong passphrase is refused with the tries left and burns nothing; a wrong link is never counted", async () => {
    const { bins } = setup();
    const bin = await createTestBin(bins, origin, { passphrase: "correct horse", maxReads: 2 });
    const meta = await bins.get({ binId: bin.binId });
    expect(meta).toMatchObject({
      needsPassphrase: true,
      passphraseSalt: bin.wire.passphraseSalt,
      passphraseTriesLeft: 10,
    });
    const salt = Buffer.from(bin.wire.passphraseSalt!, "base64url");
    const wrong = await unlockBin({
      secrets: bin.secrets,
      binId: bin.binId,
      passphrase: "correct hose",
      passphraseSalt: salt,
    });
    const triesLeft = async (readProof: Uint8Array) =>
      bins.reveal(revealInput(bin, readProof), origin).then(
        () => "revealed",
        (error: CofferError) => `${error.reason}:${error.details?.triesLeft ?? "-"}`,
      );
    expect(await triesLeft(wrong.readProof)).toBe("bin_passphrase_wrong:9");
    expect(await triesLeft(new Uint8Array(32))).toBe("bin_passphrase_wrong:8");
    // Someone who knows only the bin id (not the link) cannot spend the reader's tries.
    const stranger = RevealBinInput.parse({
      binId: bin.binId,
      linkProof: b64(new Uint8Array(32).fill(1)),
      readProof: b64(wrong.readProof),
    });
    for (let i = 0; i < 15; i++)
      expect(await outcomeOf(bins.reveal(stranger, origin))).toBe("forbidden:bin_read_proof_wrong");
    expect(await bins.get({ binId: bin.binId })).toMatchObject({ passphraseTriesLeft: 8, readsLeft: 2 });
    const right = await unlockBin({
      secrets: bin.secrets,
      binId: bin.binId,
      passphrase: "correct horse",
      passphraseSalt: salt,
    });
    expect((await bins.reveal(revealInput(bin, right.readProof), origin)).readsLeft).toBe(1);

    const plain = await createTestBin(bins, origin);
    expect(
      await outcomeOf(
        bins.reveal(
          RevealBinInput.parse({
            binId: plain.binId,
            linkProof: b64(new Uint8Array(32)),
            readProof: b64(new Uint8Array(32)),
          }),
          origin,
        ),
      ),
    ).toBe("forbidden:bin_read_proof_wrong");
    expect((await rawItem(plain.binId))?.readsLeft).toBe(1);
  });

  test("20 wrong passphrases in a row: told the tries left each time, no read spent, destroyed at the limit", async () => {
    const { bins } = setup();
    const bin = await createTestBin(bins, origin, { passphrase: "4711", maxReads: 3 });
    const salt = Buffer.from(bin.wire.passphraseSalt!, "base64url");
    // One guess goes through the real passphrase stretch; the server cannot tell the other 19 wrong
    // read proofs from stretched ones, and 20 stretches cost a minute on a loaded machine.
    const stretched = await unlockBin({
      secrets: bin.secrets,
      binId: bin.binId,
      passphrase: "1000",
      passphraseSalt: salt,
    });
    const guesses = [
      stretched,
      ...Array.from({ length: 19 }, () => ({ readProof: new Uint8Array(randomBytes(32)) })),
    ];
    const answers: string[] = [];
    const readsLeftSeen: number[] = [];
    for (const guess of guesses) {
      answers.push(
        await bins.reveal(revealInput(bin, guess.readProof), origin).then(
          () => "revealed",
          (error: CofferError) => `${error.kind}:${error.reason}:${error.details?.triesLeft ?? "-"}`,
        ),
      );
      const item = await rawItem(bin.binId);
      if (item) readsLeftSeen.push(item.readsLeft);
    }
    expect(answers).toEqual([
      ...[9, 8, 7, 6, 5, 4, 3, 2, 1].map((left) => `forbidden:bin_passphrase_wrong:${left}`),
      "not_found:bin_passphrase_limit:-",
      ...Array.from({ length: 10 }, () => "not_found:bin_gone:-"),
    ]);
    expect(readsLeftSeen).toEqual(Array.from({ length: 9 }, () => 3)); // no read spent before the end
    expect(await rawItem(bin.binId)).toBeNull();
    const right = await unlockBin({
      secrets: bin.secrets,
      binId: bin.binId,
      passphrase: "4711",
      passphraseSalt: salt,
    });
    expect(await outcomeOf(bins.reveal(revealInput(bin, right.readProof), origin))).toBe(
      "not_found:bin_gone",
    );
  });

  test("concurrent wrong passphrases are each counted once: 30 at once leave the bin destroyed, never over-counted", async () => {
    const { bins } = setup();
    const bin = await createTestBin(bins, origin, { passphrase: "pin" });
    const salt = Buffer.from(bin.wire.passphraseSalt!, "base64url");
    const wrong = await unlockBin({
      secrets: bin.secrets,
      binId: bin.binId,
      passphrase: "nip",
      passphraseSalt: salt,
    });
    const results = await Promise.all(
      Array.from({ length: 30 }, () => outcomeOf(bins.reveal(revealInput(bin, wrong.readProof), origin))),
    );
    expect(results.filter((r) => r === "forbidden:bin_passphrase_wrong")).toHaveLength(9);
    expect(results.filter((r) => r === "not_found:bin_passphrase_limit").length).toBeGreaterThanOrEqual(1);
    expect(await rawItem(bin.binId)).toBeNull();
  });

  test("reveal is rate-limited per source IP, before any proof is looked at", async () => {
    const { bins } = setup({ rateLimits: { reveal: { max: 3, windowSeconds: 60 } } });
    const bin = await createTestBin(bins, origin, { maxReads: 10 });
    const guesser = { sourceIp: "203.0.113.9" };
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await outcomeOf(bins.reveal(revealInput(bin), guesser)));
    expect(results).toEqual(["ok", "ok", "ok", "rate_limited:rate_limited"]);
    expect(await outcomeOf(bins.reveal(revealInput(bin), { sourceIp: "203.0.113.10" }))).toBe("ok");
    expect((await rawItem(bin.binId))?.readsLeft).toBe(6);
  });

  test("an expired bin is refused on every path before the TTL sweep removes it", async () => {
    const { bins, clock } = setup();
    const bin = await createTestBin(bins, origin, { expiresInSeconds: 300, maxReads: 5 });
    clock.advance(300_000);
    expect(await rawItem(bin.binId)).not.toBeNull(); // still in the table: no sweep has run
    expect(await bins.get({ binId: bin.binId })).toEqual({ exists: false });
    expect(await outcomeOf(bins.reveal(revealInput(bin), origin))).toBe("not_found:bin_gone");
    expect(await outcomeOf(bins.update(await updateInput(bin, "late"), origin))).toBe("not_found:bin_gone");
    expect(
      await outcomeOf(
        bins.delete({ binId: bin.binId, wrappedKey: Buffer.from(bin.wrappedKey, "base64url") }, origin),
      ),
    ).toBe("not_found:bin_gone");
    expect((await rawItem(bin.binId))?.readsLeft).toBe(5);
  });
});

describe("creating", () => {
  test("the stored item holds no key, browser secret, wrapped key, proof or plaintext", async () => {
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
        Buffer.from(bin.secrets.browserSecret),
        Buffer.from(bin.wrappedKey, "base64url"),
        Buffer.from(bin.sealed.readProof),
        Buffer.from(bin.sealed.linkProof),
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
      await outcomeOf(bins.create(CreateBinInput.parse({ ...forA, wrappedKey: b.wrappedKey }), origin)),
    ).toBe("forbidden:bin_key_refused");
    expect(
      await outcomeOf(bins.create(CreateBinInput.parse({ ...forA, wrappedKey: undefined }), origin)),
    ).toBe("forbidden:bin_key_refused");
    const otherCommitment = (await sealForCreate(b)).wire.manageCommitment;
    expect(
      await outcomeOf(
        bins.create(CreateBinInput.parse({ ...forA, manageCommitment: otherCommitment }), origin),
      ),
    ).toBe("forbidden:bin_key_refused");
    expect(await outcomeOf(bins.create(CreateBinInput.parse(forA), origin))).toBe("ok");
    expect(await outcomeOf(bins.create(CreateBinInput.parse(forA), origin))).toBe(
      "conflict:condition_failed",
    );
  });

  test("with KMS down, create is SERVICE_UNAVAILABLE and stores nothing; reading needs no KMS", async () => {
    const { bins } = setup();
    const ready = await createTestBin(bins, origin);
    const issued = await bins.issueKey(origin);
    const { wire } = await sealForCreate(issued);
    const rule = parts.kms.emulator.faults.add({ kind: "unavailable", mode: "status503" });
    try {
      expect(await outcomeOf(bins.create(CreateBinInput.parse(wire), origin))).toBe(
        "unavailable:kms_unavailable",
      );
      expect(await outcomeOf(bins.issueKey(origin))).toBe("unavailable:kms_unavailable");
      expect(await rawItem(issued.binId)).toBeNull();
      expect(await bins.get({ binId: ready.binId })).toMatchObject({ exists: true });
      expect(await outcomeOf(bins.reveal(revealInput(ready), origin))).toBe("ok");
    } finally {
      parts.kms.emulator.faults.remove(rule);
    }
    expect(await outcomeOf(bins.create(CreateBinInput.parse(wire), origin))).toBe("ok");
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
    expect(await outcomeOf(bins.issueKey({ sourceIp: "198.51.100.1" }))).toBe("rate_limited:rate_limited");
    expect(await outcomeOf(bins.issueKey({ sourceIp: "198.51.100.2" }))).toBe("ok");
    const results = [];
    for (const one of issued)
      results.push(
        await outcomeOf(
          bins.create(CreateBinInput.parse((await sealForCreate(one)).wire), { sourceIp: "198.51.100.1" }),
        ),
      );
    expect(results).toEqual(["ok", "ok", "rate_limited:rate_limited"]);
    // Guessing wrapped keys for a known bin id costs KMS calls, so it is budgeted too.
    const garbage = { binId: issued[0]!.binId, wrappedKey: Buffer.alloc(64, 7) };
    const attacker = { sourceIp: "198.51.100.66" };
    const attempts = [];
    for (let i = 0; i < 3; i++) attempts.push(await outcomeOf(bins.delete(garbage, attacker)));
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
    const results = await Promise.all(inputs.map((input) => outcomeOf(bins.update(input, origin))));
    expect(results.filter((r) => r === "ok")).toHaveLength(1);
    expect(results.filter((r) => r === "conflict:bin_version_stale")).toHaveLength(19);
    const winner = results.indexOf("ok");
    const stored = await rawItem(bin.binId);
    expect(stored?.version).toBe(2);
    expect(Buffer.from(stored!.ciphertext as Uint8Array)).toEqual(inputs[winner]!.ciphertext);
    // The winner's content is what a reader now gets.
    const { contentKey, readProof } = await unlockBin({ secrets: bin.secrets, binId: bin.binId });
    const revealed = await bins.reveal(revealInput(bin, readProof), origin);
    const opened = await openBin({
      contentKey,
      binId: bin.binId,
      version: 2,
      iv: Buffer.from(revealed.iv, "base64url"),
      ciphertext: Buffer.from((revealed as { ciphertext: string }).ciphertext, "base64url"),
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
      expect([name, await outcomeOf(bins.update(update, origin))]).toEqual([
        name,
        "forbidden:manage_proof_refused",
      ]);
      const remove = {
        binId: bin.binId,
        wrappedKey: wrappedKey === undefined ? undefined : Buffer.from(wrappedKey, "base64url"),
      };
      expect([name, await outcomeOf(bins.delete(remove, origin))]).toEqual([
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
    expect(await outcomeOf(bins.update(await updateInput(bin, "stale draft"), origin))).toBe(
      "conflict:bin_version_stale",
    );
    expect(await bins.get({ binId: bin.binId })).toMatchObject({ version: 2, readsLeft: 2 });
    expect(
      await bins.delete({ binId: bin.binId, wrappedKey: Buffer.from(bin.wrappedKey, "base64url") }, origin),
    ).toEqual({ binId: bin.binId, deleted: true });
    expect(await bins.get({ binId: bin.binId })).toEqual({ exists: false });
    expect(
      await outcomeOf(
        bins.delete({ binId: bin.binId, wrappedKey: Buffer.from(bin.wrappedKey, "base64url") }, origin),
      ),
    ).toBe("not_found:bin_gone");
  });
});
