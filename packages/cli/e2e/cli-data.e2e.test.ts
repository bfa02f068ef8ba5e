import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { stack, home, start, finished, coffer, json, minutes, useCliStack, devEntry } from "./cli-kit";

// The coffer CLI against the local stack: data through pipes, secure bins, records.

useCliStack();

test(
  "the developer entry (bin/coffer.mjs, compiled by tsx) runs end to end, and the bundle reads what it stored",
  async () => {
    const put = await coffer(["--json", "records", "put", "--context", "tenant=dev"], {
      stdin: "stored through tsx",
      entry: devEntry,
    });
    expect([put.code, put.stderr]).toEqual([0, ""]);
    const { recordId } = json(put) as { recordId: string };
    const got = await coffer(["records", "get", "--", recordId]);
    expect([got.code, got.stdout.toString()], got.stderr).toEqual([0, "stored through tsx"]);
  },
  4 * minutes,
);

test(
  "a 3 MiB file goes encrypt | decrypt through pipes and comes back byte for byte",
  async () => {
    const original = randomBytes(3 * 1024 * 1024);
    const encrypt = start([
      "encrypt",
      "--key",
      "default",
      "--context",
      "tenant=acme",
      "--context",
      "file=report",
    ]);
    const decrypt = start(["decrypt", "--context", "tenant=acme", "--context", "file=report"]);
    const encrypted: Buffer[] = [];
    encrypt.stdout!.on("data", (chunk: Buffer) => encrypted.push(chunk));
    encrypt.stdout!.pipe(decrypt.stdin!);
    const [encrypted_, decrypted] = [finished(encrypt), finished(decrypt)];
    const startedAt = performance.now();
    encrypt.stdin!.end(original);
    const [e, d] = await Promise.all([encrypted_, decrypted]);
    const seconds = (performance.now() - startedAt) / 1000;
    expect(e.stderr).toBe("");
    expect(d.stderr).toBe("");
    expect([e.code, d.code]).toEqual([0, 0]);
    expect(d.stdout.equals(original)).toBe(true);
    const stream = Buffer.concat(encrypted);
    expect(stream.subarray(0, 4).toString("latin1")).toBe("CFS1");
    expect(stream.includes(original.subarray(0, 64))).toBe(false);
    console.info(`3 MiB encrypt | decrypt: ${seconds.toFixed(1)} s; stream ${stream.length} bytes`);

    // The same stream with the wrong context, or cut short by 100 bytes, is refused (two processes
    // at once).
    const out = join(home, "cut.bin");
    const [wrongContext, cut] = await Promise.all([
      coffer(
        [
          "--json",
          "decrypt",
          "--context",
          "tenant=other",
          "--context",
          "file=report",
          "--out",
          join(home, "no.bin"),
        ],
        { stdin: stream },
      ),
      coffer(["decrypt", "--context", "tenant=acme", "--context", "file=report", "--out", out], {
        stdin: stream.subarray(0, stream.length - 100),
      }),
    ]);
    expect(wrongContext.code).toBe(2);
    expect(JSON.parse(wrongContext.stderr)).toMatchObject({
      error: { class: "usage", code: "BAD_REQUEST", reason: "context_mismatch" },
    });
    expect(existsSync(join(home, "no.bin"))).toBe(false);
    expect(cut.code).toBe(5);
    expect(cut.stderr).toMatch(/damaged or truncated/);
    expect(existsSync(out)).toBe(false);
  },
  4 * minutes,
);

test(
  "bin create then reveal (the link read from stdin): the text comes back once, then the bin is gone (exit 4)",
  async () => {
    const created = await coffer(["--json", "bin", "create", "--expires-in", "1h"], {
      stdin: "the vault code is 0451",
    });
    expect(created.code, created.stderr).toBe(0);
    const { share, manage, binId, maxReads } = json(created) as {
      share: string;
      manage: string;
      binId: string;
      maxReads: number;
    };
    expect(maxReads).toBe(1);
    expect(share).toMatch(new RegExp(`^${stack.gateway.url}/b/${binId}#[\\w-]+\\.[\\w-]+$`));
    expect(manage).toContain(`/b/${binId}/manage#`);

    const revealed = await coffer(["--json", "bin", "reveal"], { stdin: `${share}\n` });
    expect(revealed.code).toBe(0);
    expect(json(revealed)).toMatchObject({ kind: "text", text: "the vault code is 0451", readsLeft: 0 });

    const again = await coffer(["bin", "reveal", share]);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/gone/);
  },
  4 * minutes,
);

test(
  "a file bin above the inline limit travels through object storage, with a passphrase from a file",
  async () => {
    const file = join(home, "large.bin");
    const content = randomBytes(600 * 1024);
    writeFileSync(file, content);
    const passphraseFile = join(home, "passphrase");
    writeFileSync(passphraseFile, "correct horse\n", { mode: 0o600 });
    const created = await coffer([
      "--json",
      "bin",
      "create",
      "--file",
      file,
      "--passphrase-file",
      passphraseFile,
      "--reads",
      "2",
    ]);
    expect(created.code, created.stderr).toBe(0);
    const { share } = json(created) as { share: string };

    const wrong = join(home, "wrong");
    writeFileSync(wrong, "battery staple\n", { mode: 0o600 });
    const refused = await coffer(["bin", "reveal", "--passphrase-file", wrong], { stdin: share });
    expect(refused.code).toBe(3);

    const out = join(home, "revealed.bin");
    const revealed = await coffer(
      ["--json", "bin", "reveal", "--passphrase-file", passphraseFile, "--out", out],
      {
        stdin: share,
      },
    );
    expect(revealed.code).toBe(0);
    expect(json(revealed)).toMatchObject({
      kind: "file",
      name: "large.bin",
      sizeBytes: content.length,
      readsLeft: 1,
    });
    expect(readFileSync(out).equals(content)).toBe(true);
  },
  4 * minutes,
);

test(
  "records put, get, list and delete, with --json parsed",
  async () => {
    const put = await coffer(["--json", "records", "put", "--context", "tenant=acme"], {
      stdin: "a stored secret",
    });
    expect(put.code, put.stderr).toBe(0);
    const { recordId } = json(put) as { recordId: string };
    expect(recordId).toMatch(/^[\w-]{22}$/);

    // Three reads of the stored record, as three processes at once.
    const [got, gotJson, list] = await Promise.all([
      coffer(["records", "get", "--", recordId]),
      coffer(["--json", "records", "get", "--", recordId]),
      coffer(["--json", "records", "list"]),
    ]);
    expect([got.code, got.stdout.toString()]).toEqual([0, "a stored secret"]);
    expect(json(gotJson)).toMatchObject({ recordId, keyName: "default", context: { tenant: "acme" } });
    const listed = json(list) as { records: { recordId: string }[] };
    expect(listed.records.map((r) => r.recordId)).toContain(recordId);

    expect(json(await coffer(["--json", "records", "delete", "--", recordId]))).toEqual({
      recordId,
      deleted: true,
    });
    const gone = await coffer(["--json", "records", "get", "--", recordId]);
    expect(gone.code).toBe(4);
    expect(JSON.parse(gone.stderr)).toMatchObject({
      error: { exitCode: 4, class: "notFound", code: "NOT_FOUND" },
    });
  },
  4 * minutes,
);

test(
  'an id that starts with "-" (records minted before ids avoided it) works after "--"; without it, exit 2 and a hint',
  async () => {
    const put = await coffer(["--json", "records", "put"], { stdin: "an older record" });
    expect(put.code, put.stderr).toBe(0);
    const { recordId } = json(put) as { recordId: string };
    // New ids never start with "-" (core's ids/index.ts), so the older record is made in the table:
    // the same item under an id that does.
    const { data: item } = await stack.db.entities.record.get({ namespace: "default", recordId }).go();
    const olderId = `-${recordId.slice(1)}`;
    await stack.db.entities.record.create({ ...item!, recordId: olderId }).go();

    const [got, misread] = await Promise.all([
      coffer(["records", "get", "--", olderId]),
      coffer(["records", "get", olderId]),
    ]);
    expect([got.code, got.stdout.toString()], got.stderr).toEqual([0, "an older record"]);
    expect(misread.code).toBe(2);
    expect(misread.stderr).toContain(`unknown option '${olderId}'`);
    expect(misread.stderr).toContain('an id that starts with "-" goes after "--"');

    const deleted = await coffer(["--json", "records", "delete", "--", olderId]);
    expect(json(deleted)).toEqual({ recordId: olderId, deleted: true });
  },
  4 * minutes,
);

test(
  "seal: stdin sealed to the service's public key, printed or stored as a record that reads back; --context without --store is a usage error",
  async () => {
    const [stored, printed, misused] = await Promise.all([
      coffer(["seal", "--store", "default", "--context", "form=signup"], { stdin: "sealed in the CLI" }),
      coffer(["--json", "seal"], { stdin: "sealed in the CLI" }),
      coffer(["seal", "--context", "form=signup"], { stdin: "x" }),
    ]);
    expect(stored.code, stored.stderr).toBe(0);
    const recordId = stored.stdout.toString().trim();
    expect(recordId).toMatch(/^[\w-]{22}$/);
    const { sealed } = json(printed) as { sealed: string };
    expect(sealed).toMatch(/^[\w-]+$/);
    expect(Buffer.from(sealed, "base64url").includes("sealed in the CLI")).toBe(false);
    expect([misused.code, misused.stderr]).toEqual([2, "coffer: --context goes with --store.\n"]);

    const got = await coffer(["--json", "records", "get", "--", recordId]);
    expect(json(got)).toMatchObject({
      recordId,
      keyName: "default",
      context: { form: "signup" },
      plaintext: Buffer.from("sealed in the CLI").toString("base64url"),
    });
  },
  4 * minutes,
);
