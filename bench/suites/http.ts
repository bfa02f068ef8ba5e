// 1 KiB crypto.encrypt through the full local HTTP stack (gateway → the unchanged Lambda handler →
// tRPC → token check → crypto core with its data-key cache) against a bare tRPC echo procedure on
// the same server. Target ≥ 0.50.
//
// The stack runs in a child process and the load comes from this one, 8 requests in flight. The
// target figure is the usual one, requests per second. Beside it: requests per second of the
// server process's own CPU time. On this 2-core machine neither is clean: the load generator
// saturates first (the server idles ~half the time), and the server's CPU time includes the kernel
// waking the idle client on every response write, which costs the slower side more (docs/benchmarks.md).
import { randomBytes } from "node:crypto";
import { type BenchServer as Server, serverCpuMs, startServer, stopServer } from "../http/start-server";
import { median, medianRatio } from "../lib/stats";
import type { Suite } from "../lib/suite";

const CONCURRENCY = 8;

interface Slice {
  wallPerSecond: number;
  cpuPerSecond: number;
}

/** CONCURRENCY requests in flight for `ms`: requests per wall second and per server CPU second. */
async function measure(server: Server, request: () => Promise<Response>, ms: number): Promise<Slice> {
  const cpuBefore = await serverCpuMs(server);
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
  const wallMs = performance.now() - started;
  const cpuMs = (await serverCpuMs(server)) - cpuBefore;
  return { wallPerSecond: done / (wallMs / 1000), cpuPerSecond: done / (cpuMs / 1000) };
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
        await measure(server, variants.encrypt, 500);
        await measure(server, variants.echo, 500);
      }
      const slices = { encrypt: [] as Slice[], echo: [] as Slice[] };
      for (let repetition = 0; repetition < settings.repetitions; repetition++) {
        const order = repetition % 2 === 0 ? (["encrypt", "echo"] as const) : (["echo", "encrypt"] as const);
        for (const name of order) slices[name].push(await measure(server, variants[name], sliceMs));
      }
      const cpu = (name: "encrypt" | "echo") => slices[name].map((slice) => slice.cpuPerSecond);
      const wall = (name: "encrypt" | "echo") => slices[name].map((slice) => slice.wallPerSecond);
      log(`http: encrypt ${median(wall("encrypt")).toFixed(0)}/s, echo ${median(wall("echo")).toFixed(0)}/s`);
      return [
        {
          name: "http.encrypt_1KiB.vs_echo",
          value: medianRatio(wall("encrypt"), wall("echo")),
          unit: "ratio",
          target: { atLeast: 0.5 },
        },
        {
          name: "http.encrypt_1KiB.vs_echo_per_server_cpu",
          value: medianRatio(cpu("encrypt"), cpu("echo")),
          unit: "ratio",
        },
        { name: "http.encrypt_1KiB.requests_per_server_cpu_s", value: median(cpu("encrypt")), unit: "ops/s" },
        { name: "http.echo.requests_per_server_cpu_s", value: median(cpu("echo")), unit: "ops/s" },
        { name: "http.encrypt_1KiB.requests_per_s", value: median(wall("encrypt")), unit: "ops/s" },
        { name: "http.echo.requests_per_s", value: median(wall("echo")), unit: "ops/s" },
      ];
    } finally {
      await stopServer(server);
    }
  },
};
