// `npm run kms`: the exact startup line, a clean exit on SIGTERM/SIGINT, and state kept across restarts.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DescribeKeyCommand } from "@aws-sdk/client-kms";
import { afterAll, describe, expect, test } from "vitest";
import { findFreePort } from "../net";
import { createClient, createKey } from "./conformance/test-kit";

const mainPath = fileURLToPath(new URL("./main.ts", import.meta.url));
// `node --import tsx`, as `npm run kms` runs it: one process. The tsx binary would add a parent
// that relays signals, and under load it could report the relayed SIGTERM (exit 143) as its own.
const nodeWithTsx = [process.execPath, "--import", "tsx"] as const;
const folder = mkdtempSync(join(tmpdir(), "coffer-kms-main-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  firstLine: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

async function startMain(args: string[]): Promise<Started> {
  const child = spawn(nodeWithTsx[0], [...nodeWithTsx.slice(1), mainPath, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const firstLine = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes("\n")) resolve(stdout);
    });
    void exited.then((code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  return { child, firstLine, stderr: () => stderr, exited };
}

// Each test starts Node with tsx once or twice: about a second idle, far longer on a busy machine.
describe("npm run kms", { timeout: 120_000 }, () => {
  test("prints exactly the startup line, serves the SDK, and keeps state across a restart", async () => {
    const port = await findFreePort();
    const statePath = join(folder, "kms-state.json");
    const first = await startMain(["--port", String(port), "--state", statePath]);
    expect(first.firstLine).toMatch(
      new RegExp(
        `^KMS emulator listening on http://127\\.0\\.0\\.1:${port} \\(control routes: header X-Coffer-Control: [\\w-]{43}\\)\n$`,
      ),
    );

    const client = createClient(`http://127.0.0.1:${port}`);
    const key = await createKey(client);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(first.stderr()).toMatch(
      /raw key material included, is kept in .*kms-state\.json: keep it out of git/,
    );

    const second = await startMain(["--port", String(port), "--state", statePath]);
    const out = await client.send(new DescribeKeyCommand({ KeyId: key.KeyId }));
    expect(out.KeyMetadata?.Arn).toBe(key.Arn);
    second.child.kill("SIGINT");
    expect(await second.exited).toBe(0);
    client.destroy();
  });

  test("without --state it says nothing more and keeps nothing", async () => {
    const started = await startMain(["--port", "0"]);
    expect(started.firstLine).toMatch(
      /^KMS emulator listening on http:\/\/127\.0\.0\.1:\d+ \(control routes: /,
    );
    started.child.kill("SIGTERM");
    expect(await started.exited).toBe(0);
    expect(started.stderr()).toBe("");
  });

  test("a bad port is refused with usage and exit code 1", async () => {
    const child = spawn(nodeWithTsx[0], [...nodeWithTsx.slice(1), mainPath, "--port", "http"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/Usage: npm run kms/);
  });
});
