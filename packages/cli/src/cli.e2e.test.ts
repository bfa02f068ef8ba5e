// The real `coffer` binary (node on packages/cli/bin/coffer.mjs, as `npx coffer` runs it) against
// the local stack: gateway, handlers, KMS emulator, DynamoDB Local and the S3 server. Each command
// is a separate process, so what is checked is what a shell user gets: bytes through pipes, exit
// codes, --json documents, the profile file's permissions.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { repoRoot } from "@coffer/testkit/repo-root";
import { startTestStack } from "@coffer/testkit/stack";

const bin = join(repoRoot, "packages/cli/bin/coffer.mjs");
let stack: Awaited<ReturnType<typeof startTestStack>>;
let home: string;
let userToken: string;
let adminToken: string;

beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  vi.spyOn(console, "log").mockImplementation(() => {}); // the in-process maintenance's log lines
  stack = await startTestStack({ maintenanceIntervalMs: 300 });
  userToken = await stack.mintToken({ name: "cli", scopes: ["encrypt", "decrypt"] });
  adminToken = await stack.mintToken({ name: "cli-admin", scopes: ["admin"] });
  home = mkdtempSync(join(tmpdir(), "coffer-cli-home-"));
});
afterAll(async () => {
  await stack?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

type Env = Record<string, string | undefined>;

/** A clean environment: nothing of this machine's COFFER_* or profile leaks in. */
const envOf = (extra: Env = {}): NodeJS.ProcessEnv => {
  const env: Env = {
    PATH: process.env.PATH,
    TMPDIR: process.env.TMPDIR,
    HOME: home,
    COFFER_URL: stack.gateway.url,
    COFFER_TOKEN: userToken,
    ...extra,
  };
  return Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined),
  ) as NodeJS.ProcessEnv;
};

const start = (args: string[], env: Env = {}): ChildProcess =>
  spawn(process.execPath, [bin, ...args], { env: envOf(env), stdio: ["pipe", "pipe", "pipe"] });

function finished(child: ChildProcess) {
  const stdout: Buffer[] = [];
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stdout: Buffer; stderr: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr }));
  });
}

async function coffer(args: string[], options: { env?: Env; stdin?: string | Buffer } = {}) {
  const child = start(args, options.env);
  const done = finished(child);
  // A command that fails early stops reading its stdin; the exit code is what the test looks at.
  child.stdin!.on("error", () => {});
  child.stdin!.end(options.stdin ?? "");
  return done;
}

const json = (result: { stdout: Buffer }) => JSON.parse(result.stdout.toString()) as Record<string, unknown>;
const minutes = 60_000;

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

    // The same stream with the wrong context, cut short, or with its last frame dropped is refused.
    const wrongContext = await coffer(
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
    );
    expect(wrongContext.code).toBe(2);
    expect(JSON.parse(wrongContext.stderr)).toMatchObject({
      error: { class: "usage", code: "BAD_REQUEST", reason: "context_mismatch" },
    });
    expect(existsSync(join(home, "no.bin"))).toBe(false);
    const out = join(home, "cut.bin");
    const cut = await coffer(
      ["decrypt", "--context", "tenant=acme", "--context", "file=report", "--out", out],
      {
        stdin: stream.subarray(0, stream.length - 100),
      },
    );
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
    expect(created.code).toBe(0);
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
    expect(created.code).toBe(0);
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
    expect(put.code).toBe(0);
    const { recordId } = json(put) as { recordId: string };
    expect(recordId).toMatch(/^[\w-]{22}$/);

    const got = await coffer(["records", "get", recordId]);
    expect([got.code, got.stdout.toString()]).toEqual([0, "a stored secret"]);
    const gotJson = await coffer(["--json", "records", "get", recordId]);
    expect(json(gotJson)).toMatchObject({ recordId, keyName: "default", context: { tenant: "acme" } });

    const listed = json(await coffer(["--json", "records", "list"])) as { records: { recordId: string }[] };
    expect(listed.records.map((r) => r.recordId)).toContain(recordId);

    expect(json(await coffer(["--json", "records", "delete", recordId]))).toEqual({
      recordId,
      deleted: true,
    });
    const gone = await coffer(["--json", "records", "get", recordId]);
    expect(gone.code).toBe(4);
    expect(JSON.parse(gone.stderr)).toMatchObject({
      error: { exitCode: 4, class: "notFound", code: "NOT_FOUND" },
    });
  },
  4 * minutes,
);

test(
  "every exit code class: usage 2, auth 3, not found 4, refused 5, unavailable 6",
  async () => {
    expect((await coffer(["encrypt", "--no-such-option"])).code).toBe(2);
    expect((await coffer(["records", "list", "--limit", "many"])).code).toBe(2);
    expect((await coffer(["records", "put", "--key", "no-such-key"], { stdin: "x" })).code).toBe(2);

    const noToken = await coffer(["records", "list"], { env: { COFFER_TOKEN: undefined } });
    expect([noToken.code, noToken.stderr]).toEqual([3, expect.stringMatching(/No token/)]);
    expect((await coffer(["records", "list"], { env: { COFFER_TOKEN: "coffer_wrong" } })).code).toBe(3);
    expect((await coffer(["admin", "keys", "list"])).code).toBe(3); // encrypt/decrypt token, not admin

    expect((await coffer(["records", "get", "A".repeat(22)])).code).toBe(4);

    const asAdmin = { COFFER_TOKEN: adminToken };
    expect((await coffer(["admin", "keys", "disable", "pii"], { env: asAdmin })).code).toBe(0);
    // The api function's key ring sees the change within its 1 s staleness: retried, not slept on.
    await vi.waitFor(
      async () => expect((await coffer(["encrypt", "--key", "pii"], { stdin: "x" })).code).toBe(5),
      { timeout: 60_000, interval: 200 },
    );
    expect((await coffer(["admin", "keys", "enable", "pii"], { env: asAdmin })).code).toBe(0);

    const closed = await coffer(["records", "list"], { env: { COFFER_URL: "http://127.0.0.1:9" } });
    expect([closed.code, closed.stderr]).toEqual([6, expect.stringMatching(/could not be reached/)]);
  },
  4 * minutes,
);

test(
  "a profile file readable by others is refused (exit 3); at 0600 it is used",
  async () => {
    const env = { COFFER_TOKEN: undefined, COFFER_URL: undefined };
    const saved = await coffer(["--url", stack.gateway.url, "login"], { env, stdin: `${userToken}\n` });
    expect(saved.code).toBe(0);
    const file = join(home, ".config/coffer/profiles.json");
    expect(readFileSync(file, "utf8")).toContain(stack.gateway.url);

    const ok = await coffer(["--json", "records", "list"], { env });
    expect(ok.code).toBe(0);

    chmodSync(file, 0o644);
    const refused = await coffer(["records", "list"], { env });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`chmod 600 ${file}`);
    chmodSync(file, 0o600);
  },
  4 * minutes,
);

test(
  "admin: a token created (secret once), listed without its secret, revoked; a campaign watched to the end; a chain verified",
  async () => {
    const env = { COFFER_TOKEN: adminToken };
    const created = json(
      await coffer(
        [
          "--json",
          "admin",
          "tokens",
          "create",
          "--name",
          "ci",
          "--scopes",
          "encrypt,decrypt",
          "--expires-in",
          "1d",
        ],
        { env },
      ),
    ) as { token: string; tokenId: string };
    expect(created.token).toMatch(/^coffer_/);
    const listed = await coffer(["--json", "admin", "tokens", "list"], { env });
    expect(listed.stdout.toString()).not.toContain(created.token);
    expect((json(listed) as { tokens: { tokenId: string }[] }).tokens.map((t) => t.tokenId)).toContain(
      created.tokenId,
    );
    expect(
      json(await coffer(["--json", "admin", "tokens", "revoke", created.tokenId], { env })),
    ).toMatchObject({
      status: "revoked",
    });
    expect((await coffer(["records", "list"], { env: { COFFER_TOKEN: created.token } })).code).toBe(3);

    // pii was disabled and enabled again by the exit-code test: the api function sees it within 1 s.
    await vi.waitFor(
      async () => expect((await coffer(["records", "put", "--key", "pii"], { stdin: "one" })).code).toBe(0),
      { timeout: 60_000, interval: 200 },
    );
    for (const text of ["two", "three"])
      expect((await coffer(["records", "put", "--key", "pii"], { stdin: text })).code).toBe(0);
    expect((await coffer(["admin", "keys", "rotate", "pii"], { env })).code).toBe(0);
    const campaign = json(
      await coffer(["--json", "admin", "campaign", "start", "pii", "--watch", "--poll-ms", "200"], { env }),
    );
    expect(campaign).toMatchObject({ status: "completed", total: 3, done: 3, rewrapped: 3, failures: 0 });

    const verified = json(await coffer(["--json", "admin", "audit", "verify", "key:pii"], { env }));
    expect(verified).toMatchObject({ chain: "key:pii", ok: true });
  },
  4 * minutes,
);

/** Runs the binary on a pseudo-terminal (util-linux `script`), where progress bars are drawn. */
function onTerminal(args: string[], env: Env = {}) {
  const command = [process.execPath, bin, ...args].map((part) => `'${part}'`).join(" ");
  const child = spawn("script", ["-qec", command, "/dev/null"], {
    env: envOf({ SHELL: "/bin/sh", TERM: "xterm", ...env }),
    stdio: ["pipe", "pipe", "pipe"],
  });
  const done = finished(child);
  child.stdin!.end();
  return done;
}

test(
  "on a terminal, a campaign and a large file get a live progress bar that reaches 100 %",
  async () => {
    const env = { COFFER_TOKEN: adminToken };
    for (const text of ["four", "five"])
      expect((await coffer(["records", "put", "--key", "pii"], { stdin: text })).code).toBe(0);
    expect((await coffer(["admin", "keys", "rotate", "pii"], { env })).code).toBe(0);
    const { campaignId } = json(await coffer(["--json", "admin", "campaign", "start", "pii"], { env })) as {
      campaignId: string;
    };
    const watched = await onTerminal(["admin", "campaign", "watch", campaignId, "--poll-ms", "200"], env);
    expect(watched.code).toBe(0);
    const screen = watched.stdout.toString();
    expect(screen).toMatch(/Rewrap pii to v\d+ \[[█░]+\] 100% \| ([1-9]\d*)\/\1 \|/);
    expect(screen).toMatch(/completed/);

    const file = join(home, "big.bin");
    writeFileSync(file, randomBytes(3 * 1024 * 1024));
    const encrypted = await onTerminal(["encrypt", "--in", file, "--out", `${file}.cfs`]);
    expect(encrypted.code).toBe(0);
    expect(encrypted.stdout.toString()).toMatch(/Encrypting \[[█░]+\] 100% \| 3\.0\/3\.0 MiB/);
    const quiet = await onTerminal(["--no-progress", "encrypt", "--in", file, "--out", `${file}.2.cfs`]);
    expect([quiet.code, quiet.stdout.toString()]).toEqual([0, ""]);
  },
  4 * minutes,
);
