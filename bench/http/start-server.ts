// The benchmark server (bench/http/server.ts) in a child process, so that the load generator's CPU
// time is not charged to it, and the two probes the suites read from it.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface BenchServer {
  child: ChildProcess;
  url: string;
  /** A token with the encrypt and decrypt scopes. */
  token: string;
}

/** `nodeFlags`, e.g. --expose-gc for the soak's heap readings. */
export async function startServer(nodeFlags: string[] = []): Promise<BenchServer> {
  const child = spawn(process.execPath, [...nodeFlags, "--import", "tsx", "bench/http/server.ts"], {
    cwd: repoRoot,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the benchmark server exited with code ${code}`)));
  });
  return { child, ...(JSON.parse(firstLine) as { url: string; token: string }) };
}

export async function stopServer(server: BenchServer): Promise<void> {
  server.child.stdin!.end();
  await new Promise((resolve) => server.child.once("exit", resolve));
}

async function probe<T>(server: BenchServer, name: string): Promise<T> {
  const response = await fetch(`${server.url}/bench/${name}`);
  return ((await response.json()) as { result: { data: T } }).result.data;
}

export async function serverCpuMs(server: BenchServer): Promise<number> {
  const { user, system } = await probe<{ user: number; system: number }>(server, "cpu");
  return (user + system) / 1000;
}

/** The server process's memory after a full garbage collection (when started with --expose-gc). */
export const serverMemory = (server: BenchServer) =>
  probe<{ rss: number; heapUsed: number; external: number; collected: boolean }>(server, "memory");
