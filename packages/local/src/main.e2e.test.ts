import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test, vi } from "vitest";
import { createCofferClient } from "@coffer/client";
import { findFreePort } from "./net";
import { repoRoot } from "./repo-root";

// `npm run local` as a person runs it: it prints the URLs and an admin token, serves a healthy
// stack, stops every process on Ctrl-C, and a second start keeps the keys and items of the first.

const stateDir = mkdtempSync(join(tmpdir(), "coffer-local-"));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

interface Running {
  child: ChildProcess;
  output: () => string;
}

async function startLocal(ports: Record<string, number>): Promise<Running> {
  // Its own process group, so that SIGINT reaches every process, as Ctrl-C in a terminal does.
  const child = spawn("npm", ["run", "local"], {
    cwd: repoRoot,
    detached: true,
    env: {
      ...process.env,
      COFFER_STATE_DIR: stateDir,
      COFFER_KMS_PORT: String(ports.kms),
      COFFER_DYNAMODB_PORT: String(ports.dynamodb),
      COFFER_GATEWAY_PORT: String(ports.gateway),
      COFFER_WEB_PORT: String(ports.web),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  // Resolves on the output line that says the stack is up; rejects if npm exits or 90 s pass first.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm run local did not print "Press Ctrl-C to stop." within 90 s:\n${output}`)),
      90_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Press Ctrl-C to stop.")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", () => {
      clearTimeout(timer);
      reject(new Error(`npm run local exited before it was ready:\n${output}`));
    });
  });
  return { child, output: () => output };
}

/** Ctrl-C; resolves once every process of the group is gone, with whether the stack stopped cleanly. */
async function stopWithCtrlC({ child, output }: Running): Promise<boolean> {
  process.kill(-child.pid!, "SIGINT");
  // npm, node and Java leave the group as each exits; only npm's exit is an event here, so poll.
  await vi.waitFor(
    () => {
      if (!groupIsGone(child.pid!))
        throw new Error(`processes of npm run local (group ${child.pid}) still run after Ctrl-C`);
    },
    { timeout: 20_000, interval: 100 },
  );
  return output().includes("Stopped.");
}

function groupIsGone(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return false;
  } catch {
    return true;
  }
}

async function portIsFree(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/`).then(
    () => false,
    () => true,
  );
}

test(
  "npm run local: URLs, admin token, health, clean Ctrl-C, and state kept across restarts",
  { timeout: 240_000 },
  async () => {
    const ports = {
      kms: await findFreePort(),
      dynamodb: await findFreePort(),
      gateway: await findFreePort(),
      web: await findFreePort(),
    };
    const first = await startLocal(ports);
    const text = first.output();
    for (const port of Object.values(ports)) expect(text).toContain(`http://127.0.0.1:${port}`);
    const token = text.match(/coffer_[A-Za-z0-9_-]{64}/)?.[0];
    expect(token).toBeDefined();

    const admin = createCofferClient({ url: `http://127.0.0.1:${ports.gateway}`, token: token! });
    // The first admin token holds only "admin": it makes the token that uses the data.
    const service = await admin.admin.tokens.create.mutate({ name: "e2e", scopes: ["encrypt", "decrypt"] });
    const client = createCofferClient({ url: `http://127.0.0.1:${ports.gateway}`, token: service.token });
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(stateDir, "admin-token")).mode & 0o777).toBe(0o600);
    const health = await client.health.query();
    expect(health).toEqual({ status: "up" });
    const page = await fetch(`http://127.0.0.1:${ports.web}/`);
    expect(page.status).toBe(200);
    const { recordId } = await client.records.put.mutate({
      keyName: "default",
      plaintext: Buffer.from("kept").toString("base64url"),
    });
    const { envelope } = await client.crypto.encrypt.mutate({
      keyName: "default",
      plaintext: Buffer.from("also kept").toString("base64url"),
    });

    expect(await stopWithCtrlC(first)).toBe(true);
    expect(groupIsGone(first.child.pid!)).toBe(true);
    for (const port of Object.values(ports)) expect(await portIsFree(port)).toBe(true);

    const second = await startLocal(ports);
    expect(second.output()).not.toContain(token!);
    const again = createCofferClient({ url: `http://127.0.0.1:${ports.gateway}`, token: service.token });
    expect(Buffer.from((await again.records.get.query({ recordId })).plaintext, "base64url").toString()).toBe(
      "kept",
    );
    expect(
      Buffer.from((await again.crypto.decrypt.mutate({ envelope })).plaintext, "base64url").toString(),
    ).toBe("also kept");
    expect(await stopWithCtrlC(second)).toBe(true);
    expect(groupIsGone(second.child.pid!)).toBe(true);
  },
);
