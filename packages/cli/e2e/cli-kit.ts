// What the CLI tests share: the real `coffer` binary (node on packages/cli/bin/coffer.mjs, as
// `npx coffer` runs it) against one local stack per test file (gateway, handlers, KMS emulator,
// DynamoDB Local, the S3 server). Each command is a separate process, so what is checked is what a
// shell user gets: bytes through pipes, exit codes, --json documents, the profile file's
// permissions. The tests are split over two files so that they run in parallel.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, vi } from "vitest";
import { repoRoot } from "@coffer/testkit/repo-root";
import { startTestStack } from "@coffer/testkit/stack";

export const bin = join(repoRoot, "packages/cli/bin/coffer.mjs");
export let stack: Awaited<ReturnType<typeof startTestStack>>;
export let home: string;
export let userToken: string;
export let adminToken: string;

/** Starts the stack and mints the tokens for the calling test file. */
export function useCliStack() {
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

export const start = (args: string[], env: Env = {}): ChildProcess =>
  spawn(process.execPath, [bin, ...args], { env: envOf(env), stdio: ["pipe", "pipe", "pipe"] });

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

export async function coffer(args: string[], options: { env?: Env; stdin?: string | Buffer } = {}) {
  const child = start(args, options.env);
  const done = finished(child);
  // A command that fails early stops reading its stdin; the exit code is what the test looks at.
  child.stdin!.on("error", () => {});
  child.stdin!.end(options.stdin ?? "");
  return done;
}

export const json = (result: { stdout: Buffer }) =>
  JSON.parse(result.stdout.toString()) as Record<string, unknown>;
export const minutes = 60_000;
