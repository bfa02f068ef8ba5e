// What the CLI tests share: the `coffer` command as a release ships it (the one-file bundle of
// build.ts, built once per test file) against one local stack per test file (gateway, handlers, KMS
// emulator, DynamoDB Local, the S3 server). Each command is a separate process, so what is checked
// is what a shell user gets: bytes through pipes, exit codes, --json documents, the profile file's
// permissions. A start of the bundle costs about a fifth of the CPU of the developer entry
// (bin/coffer.mjs, which compiles the sources with tsx at every start: 0.27 s against 1.24 s
// measured), and the files run dozens of commands; one test still runs that entry end to end. The tests are split over two files so that they run in parallel.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, vi } from "vitest";
import { repoRoot } from "@coffer/testkit/repo-root";
import { startTestStack } from "@coffer/testkit/stack";
import { buildCli } from "../build";

/** The developer entry, as `npx coffer` runs it in this checkout (tsx). */
export const devEntry = join(repoRoot, "packages/cli/bin/coffer.mjs");
/** The bundle this test file runs (built in beforeAll into `home`). */
export let bin: string;
export let stack: Awaited<ReturnType<typeof startTestStack>>;
export let home: string;
export let userToken: string;
export let adminToken: string;

/** Starts the stack and mints the tokens for the calling test file. */
export function useCliStack() {
  beforeAll(async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "log").mockImplementation(() => {}); // the in-process maintenance's log lines
    home = mkdtempSync(join(tmpdir(), "coffer-cli-home-"));
    // Each file builds its own bundle (two CLI files run at once: no shared output to race on),
    // beside the stack's start.
    [bin, stack] = await Promise.all([
      buildCli(join(home, "coffer.mjs")),
      startTestStack({ maintenanceIntervalMs: 300 }),
    ]);
    userToken = await stack.mintToken({ name: "cli", scopes: ["encrypt", "decrypt"] });
    adminToken = await stack.mintToken({ name: "cli-admin", scopes: ["admin"] });
  });
  afterAll(async () => {
    await stack?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });
}

export type Env = Record<string, string | undefined>;

/** A clean environment: nothing of this machine's COFFER_* or profile leaks in. */
export const envOf = (extra: Env = {}): NodeJS.ProcessEnv => {
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

export const start = (args: string[], env: Env = {}, entry: string = bin): ChildProcess =>
  spawn(process.execPath, [entry, ...args], { env: envOf(env), stdio: ["pipe", "pipe", "pipe"] });

export function finished(child: ChildProcess) {
  const stdout: Buffer[] = [];
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stdout: Buffer; stderr: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr }));
  });
}

/**
 * Runs one command to its end. Ids (records, tokens, campaigns) are random base64url; new ones never
 * start with "-", older ones may, and a command line reads those as options: the tests, like any
 * script that passes ids it did not type, put "--" before an id.
 */
export async function coffer(
  args: string[],
  options: { env?: Env; stdin?: string | Buffer; entry?: string } = {},
) {
  const child = start(args, options.env, options.entry);
  const done = finished(child);
  // A command that fails early stops reading its stdin; the exit code is what the test looks at.
  child.stdin!.on("error", () => {});
  child.stdin!.end(options.stdin ?? "");
  return done;
}

export const json = (result: { stdout: Buffer }) =>
  JSON.parse(result.stdout.toString()) as Record<string, unknown>;
export const minutes = 60_000;
