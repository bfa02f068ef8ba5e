// 1 KiB crypto.encrypt through the full local HTTP stack (gateway → the unchanged Lambda handler →
// tRPC → token check → crypto core with its data-key cache) against a bare tRPC echo procedure on
// the same server, as throughput under load. The stack runs in a child process and the load
// comes from this one, so the client's own CPU time is not charged to the server. Target ≥ 0.50.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { medianRatio, median } from "../lib/stats";
import type { Suite } from "../lib/suite";

const CONCURRENCY = 8;
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

async function startServer(): Promise<{ child: ChildProcess; url: string; token: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/http/server.ts"], {
    cwd: repoRoot,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the benchmark server exited with code ${code}`)));
  });
  return { child, ...(JSON.parse(firstLine) as { url: string; token: string }) };
}

/** Requests per second with CONCURRENCY requests in flight for `ms`. */
async function throughput(request: () => Promise<Response>, ms: number): Promise<number> {
  const started = performance.now();
  const deadline = started + ms;
  let done = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const response = await request();
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`HTTP ${response.status} during the benchmark`);
      done++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return done / ((performance.now() - started) / 1000);
}

export const httpEncrypt: Suite = {
  name: "HTTP",
  async run({ settings, log }) {
    log("http: starting the local stack in a child process");
    const server = await startServer();
    try {
      const body = JSON.stringify({ keyName: "default", plaintext: randomBytes(1024).toString("base64url") });
      const post = (path: string) => () =>
        fetch(`${server.url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${server.token}` },
          body,
        });
      const variants = { encrypt: post("/api/crypto.encrypt"), echo: post("/bench/echo") };

      // V8 needs seconds of load to reach steady state here (measured-facts.md).
      const sliceMs = settings.quick ? 400 : 1_500;
      const warmupMs = settings.quick ? 3_000 : 10_000;
      log(`http: warming up for ${warmupMs / 1000} s`);
      for (let spent = 0; spent < warmupMs; spent += 2 * 500) {
        await throughput(variants.encrypt, 500);
        await throughput(variants.echo, 500);
      }
      const results = { encrypt: [] as number[], echo: [] as number[] };
      for (let repetition = 0; repetition < settings.repetitions; repetition++) {
        const order = repetition % 2 === 0 ? (["encrypt", "echo"] as const) : (["echo", "encrypt"] as const);
        for (const name of order) results[name].push(await throughput(variants[name], sliceMs));
      }
      log(`http: encrypt ${median(results.encrypt).toFixed(0)}/s, echo ${median(results.echo).toFixed(0)}/s`);
      return [
        {
          name: "http.encrypt_1KiB.vs_echo",
          value: medianRatio(results.encrypt, results.echo),
          unit: "ratio",
          target: { atLeast: 0.5 },
        },
        { name: "http.encrypt_1KiB.requests_per_s", value: median(results.encrypt), unit: "ops/s" },
        { name: "http.echo.requests_per_s", value: median(results.echo), unit: "ops/s" },
      ];
    } finally {
      server.child.stdin!.end();
      await new Promise((resolve) => server.child.once("exit", resolve));
    }
  },
};
