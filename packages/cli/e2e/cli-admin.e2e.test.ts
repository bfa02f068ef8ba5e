import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, vi } from "vitest";
import {
  bin,
  stack,
  home,
  userToken,
  adminToken,
  envOf,
  start,
  finished,
  coffer,
  json,
  minutes,
  type Env,
  useCliStack,
} from "./cli-kit";

// The coffer CLI against the local stack: exit codes, profiles, admin commands, progress bars.

useCliStack();

/**
 * Rotates pii. The stack's maintenance syncs KMS rotations every 300 ms (it paces the campaigns
 * here) and may record this rotation's KMS material before rotate writes it; rotate then still
 * answers success (core's lifecycle.int.test.ts fixes that interleaving), so one call is enough.
 */
const rotatePii = (env: Env) => coffer(["--json", "admin", "keys", "rotate", "pii"], { env });

test(
  "every exit code class: usage 2, auth 3, not found 4, refused 5, unavailable 6",
  async () => {
    // The commands that change nothing run as processes at once; each keeps its own expectation.
    const [badOption, badLimit, badKey, noToken, wrongToken, notAdmin, notFound, closed] = await Promise.all([
      coffer(["encrypt", "--no-such-option"]),
      coffer(["records", "list", "--limit", "many"]),
      coffer(["records", "put", "--key", "no-such-key"], { stdin: "x" }),
      coffer(["records", "list"], { env: { COFFER_TOKEN: undefined } }),
      coffer(["records", "list"], { env: { COFFER_TOKEN: "coffer_wrong" } }),
      coffer(["admin", "keys", "list"]), // encrypt/decrypt token, not admin
      coffer(["records", "get", "A".repeat(22)]),
      coffer(["records", "list"], { env: { COFFER_URL: "http://127.0.0.1:9" } }),
    ]);
    expect([badOption.code, badLimit.code, badKey.code]).toEqual([2, 2, 2]);
    expect([noToken.code, noToken.stderr]).toEqual([3, expect.stringMatching(/No token/)]);
    expect([wrongToken.code, notAdmin.code]).toEqual([3, 3]);
    expect(notFound.code).toBe(4);
    expect([closed.code, closed.stderr]).toEqual([6, expect.stringMatching(/could not be reached/)]);

    const asAdmin = { COFFER_TOKEN: adminToken };
    expect((await coffer(["admin", "keys", "disable", "pii"], { env: asAdmin })).code).toBe(0);
    // The api function's key ring sees the change within its 1 s staleness: retried, not slept on.
    await vi.waitFor(
      async () => expect((await coffer(["encrypt", "--key", "pii"], { stdin: "x" })).code).toBe(5),
      { timeout: 60_000, interval: 200 },
    );
    expect((await coffer(["admin", "keys", "enable", "pii"], { env: asAdmin })).code).toBe(0);
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
  "admin: a token created (secret once), listed without its secret, revoked; a campaign watched to the end and its status read; the minimum raised (and refused above current); a chain verified and listed",
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
      json(await coffer(["--json", "admin", "tokens", "revoke", "--", created.tokenId], { env })),
    ).toMatchObject({
      status: "revoked",
    });
    expect((await coffer(["records", "list"], { env: { COFFER_TOKEN: created.token } })).code).toBe(3);

    // pii was disabled and enabled again by the exit-code test: the api function sees it within 1 s.
    await vi.waitFor(
      async () => expect((await coffer(["records", "put", "--key", "pii"], { stdin: "one" })).code).toBe(0),
      { timeout: 60_000, interval: 200 },
    );
    const more = await Promise.all(
      ["two", "three"].map((text) => coffer(["records", "put", "--key", "pii"], { stdin: text })),
    );
    expect(more.map((put) => put.code)).toEqual([0, 0]);
    const recordTwo = more[0]!.stdout.toString().trim();
    const rotated = await rotatePii(env);
    expect(rotated.code, rotated.stderr).toBe(0);
    const campaign = json(
      await coffer(["--json", "admin", "campaign", "start", "pii", "--watch", "--poll-ms", "200"], { env }),
    );
    expect(campaign).toMatchObject({ status: "completed", total: 3, done: 3, rewrapped: 3, failures: 0 });

    const verified = json(await coffer(["--json", "admin", "audit", "verify", "key:pii"], { env }));
    expect(verified).toMatchObject({ chain: "key:pii", ok: true });

    // The finished campaign as `status` shows it to a person and to a script; a malformed id is a
    // usage error before any request.
    const { campaignId, targetVersion } = campaign as { campaignId: string; targetVersion: number };
    const [statusJson, statusText, badCampaign] = await Promise.all([
      coffer(["--json", "admin", "campaign", "status", "--", campaignId], { env }),
      coffer(["admin", "campaign", "status", "--", campaignId], { env }),
      coffer(["admin", "campaign", "status", "not-a-campaign"], { env }),
    ]);
    expect(json(statusJson)).toMatchObject({
      campaignId,
      status: "completed",
      total: 3,
      done: 3,
      failures: 0,
    });
    expect(statusText.code).toBe(0);
    expect(statusText.stdout.toString()).toContain(
      `Campaign ${campaignId}: pii to version ${targetVersion}, completed\n  3/3 done (3 rewrapped,`,
    );
    expect([badCampaign.code, badCampaign.stderr]).toEqual([
      2,
      expect.stringContaining("A campaign id is 22 base64url characters"),
    ]);

    // Every record is at the target now, so the minimum decryption version goes up to it; above the
    // current version is refused with the reason.
    const [raised, tooHigh] = await Promise.all([
      coffer(["admin", "keys", "set-min-version", "pii", String(targetVersion)], { env }),
      coffer(["--json", "admin", "keys", "set-min-version", "pii", String(targetVersion + 1)], { env }),
    ]);
    expect([raised.code, raised.stdout.toString()], raised.stderr).toEqual([
      0,
      `pii: minimum decryption version ${targetVersion} (current ${targetVersion}).\n`,
    ]);
    expect(tooHigh.code).toBe(2);
    expect(JSON.parse(tooHigh.stderr)).toMatchObject({
      error: { class: "usage", code: "BAD_REQUEST", reason: "min_version_above_current" },
    });

    // Afterwards: the key says so, a rewrapped record still reads, and the chain lists the change
    // first (newest first, paged); a chain name that is not one is a usage error.
    const [keys, readable, events, eventsText, badChain] = await Promise.all([
      coffer(["--json", "admin", "keys", "list"], { env }),
      coffer(["records", "get", "--", recordTwo]),
      coffer(["--json", "admin", "audit", "list", "key:pii", "--limit", "2"], { env }),
      coffer(["admin", "audit", "list", "key:pii", "--limit", "1"], { env }),
      coffer(["admin", "audit", "list", "pii"], { env }),
    ]);
    const pii = (json(keys) as { keys: { keyName: string; minDecryptionVersion: number }[] }).keys.find(
      (k) => k.keyName === "pii",
    );
    expect(pii?.minDecryptionVersion).toBe(targetVersion);
    expect([readable.code, readable.stdout.toString()]).toEqual([0, "two"]);
    const page = json(events) as {
      events: { seq: number; action: string; details: object }[];
      cursor: unknown;
    };
    expect(page.events).toHaveLength(2);
    expect(page.events[0]).toMatchObject({
      action: "key.set_min_decryption_version",
      details: { to: targetVersion },
    });
    expect(page.events[0]!.seq).toBeGreaterThan(page.events[1]!.seq);
    expect(page.cursor).toEqual(expect.any(String));
    const table = eventsText.stdout.toString();
    expect(table).toMatch(/^SEQ +TIME +ACTOR +NAMESPACE +ACTION +TARGET +REQUEST\n/);
    expect(table).toContain("key.set_min_decryption_version");
    expect(table).toContain("More: --cursor ");
    expect([badChain.code, badChain.stderr]).toEqual([
      2,
      expect.stringContaining('A chain is "tokens" or "key:<key name>"'),
    ]);
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
    // The campaign (paced by the stack's maintenance) and the file (default key) share nothing, so
    // they run at once.
    async function campaignOnTerminal() {
      const env = { COFFER_TOKEN: adminToken };
      const puts = await Promise.all(
        ["four", "five"].map((text) => coffer(["records", "put", "--key", "pii"], { stdin: text })),
      );
      expect(puts.map((put) => put.code)).toEqual([0, 0]);
      const rotated = await rotatePii(env);
      expect(rotated.code, rotated.stderr).toBe(0);
      const { campaignId } = json(await coffer(["--json", "admin", "campaign", "start", "pii"], { env })) as {
        campaignId: string;
      };
      const watched = await onTerminal(
        ["admin", "campaign", "watch", "--poll-ms", "200", "--", campaignId],
        env,
      );
      expect(watched.code).toBe(0);
      const screen = watched.stdout.toString();
      expect(screen).toMatch(/Rewrap pii to v\d+ \[[█░]+\] 100% \| ([1-9]\d*)\/\1 \|/);
      expect(screen).toMatch(/completed/);
    }
    async function fileOnTerminal() {
      const file = join(home, "big.bin");
      writeFileSync(file, randomBytes(3 * 1024 * 1024));
      const [encrypted, quiet] = await Promise.all([
        onTerminal(["encrypt", "--in", file, "--out", `${file}.cfs`]),
        onTerminal(["--no-progress", "encrypt", "--in", file, "--out", `${file}.2.cfs`]),
      ]);
      expect(encrypted.code).toBe(0);
      expect(encrypted.stdout.toString()).toMatch(/Encrypting \[[█░]+\] 100% \| 3\.0\/3\.0 MiB/);
      expect([quiet.code, quiet.stdout.toString()]).toEqual([0, ""]);
    }
    await Promise.all([campaignOnTerminal(), fileOnTerminal()]);
  },
  4 * minutes,
);
