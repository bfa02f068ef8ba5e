// The soak (issue 13): minutes of mixed traffic through the local gateway from autocannon — encrypt,
// decrypt, a record's put, get and delete, and a bin's metadata — counting every error, timeout and
// non-2xx answer, and the server process's heap (after a full GC) from the end of the warm-up to the
// end of the run. Targets: 0 errors, < 10 % heap growth after warm-up.
//
// Each connection runs the sequence below in a loop; the record calls chain through autocannon's
// per-connection context, so every record written is deleted again and the table does not grow.
import { randomBytes } from "node:crypto";
import autocannon, { type Request } from "autocannon";
import { createCofferClient } from "@coffer/client";
import { sealForCreate } from "@coffer/testkit/bins";
import { type BenchServer, serverMemory, startServer, stopServer } from "../http/start-server";
import type { Suite } from "../lib/suite";

const CONNECTIONS = 8;

interface Plan {
  requests: Request[];
}

async function planTraffic(server: BenchServer): Promise<Plan> {
  const client = createCofferClient({ url: server.url, token: server.token });
  const context = { tenant: "soak", purpose: "load" };
  const plaintext = randomBytes(1024).toString("base64url");
  const { envelope } = await client.crypto.encrypt.mutate({ keyName: "default", plaintext, context });
  const issued = await client.bins.issueKey.mutate();
  const { wire } = await sealForCreate(issued, { maxReads: 100 });
  await client.bins.create.mutate(wire);

  const headers = { "content-type": "application/json", authorization: `Bearer ${server.token}` };
  const post = (path: string, body: unknown): Request => ({
    method: "POST",
    path,
    headers,
    body: JSON.stringify(body),
  });
  const query = (path: string, input: unknown) =>
    `${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
  type Ctx = { recordId?: string };
  return {
    requests: [
      post("/api/crypto.encrypt", { keyName: "default", plaintext, context }),
      post("/decrypt/crypto.decrypt", { envelope, context }),
      {
        ...post("/api/records.put", { keyName: "default", plaintext, context }),
        onResponse: (_status: number, body: string, ctx: Ctx) => {
          ctx.recordId = (JSON.parse(body) as { result?: { data?: { recordId?: string } } }).result?.data
            ?.recordId;
        },
      } as Request,
      {
        method: "GET",
        headers,
        setupRequest: (request: Request, ctx: Ctx) => ({
          ...request,
          path: query("/decrypt/records.get", { recordId: ctx.recordId }),
        }),
      } as Request,
      {
        method: "POST",
        headers,
        path: "/api/records.delete",
        setupRequest: (request: Request, ctx: Ctx) => ({
          ...request,
          body: JSON.stringify({ recordId: ctx.recordId }),
        }),
      } as Request,
      { method: "GET", headers, path: query("/api/bins.get", { binId: issued.binId }) },
    ],
  };
}

function load(server: BenchServer, plan: Plan, seconds: number) {
  return autocannon({
    url: server.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: plan.requests,
    timeout: 10,
  });
}

export const soak: Suite = {
  name: "soak",
  async run({ settings, log }) {
    const warmupSeconds = settings.quick ? 10 : 30;
    const soakSeconds = settings.quick ? 30 : 240;
    log("soak: starting the local stack in a child process");
    const server = await startServer(["--expose-gc"]);
    try {
      const plan = await planTraffic(server);
      log(`soak: warming up for ${warmupSeconds} s`);
      const warm = await load(server, plan, warmupSeconds);
      const before = await serverMemory(server);
      if (!before.collected) throw new Error("the soak server was started without --expose-gc");
      log(`soak: ${soakSeconds} s of mixed traffic, ${CONNECTIONS} connections`);
      const samples: number[] = [];
      const sampler = setInterval(
        () => void serverMemory(server).then((m) => samples.push(m.heapUsed)),
        15_000,
      );
      let run;
      try {
        run = await load(server, plan, soakSeconds);
      } finally {
        clearInterval(sampler);
      }
      const after = await serverMemory(server);
      const errors = (r: typeof run) => r.errors + r.timeouts + r.non2xx;
      const growth = (after.heapUsed - before.heapUsed) / before.heapUsed;
      log(
        `soak: ${run.requests.average.toFixed(0)} req/s, ${errors(run)} errors (warm-up ${errors(warm)}), ` +
          `heap ${(before.heapUsed / 2 ** 20).toFixed(1)} → ${(after.heapUsed / 2 ** 20).toFixed(1)} MiB ` +
          `(samples ${samples.map((s) => (s / 2 ** 20).toFixed(1)).join(", ")})`,
      );
      return [
        { name: "soak.requests_per_s", value: run.requests.average, unit: "ops/s" },
        { name: "soak.requests", value: run.requests.total, unit: "calls" },
        { name: "soak.errors", value: errors(run), unit: "calls", target: { atMost: 0 } },
        { name: "soak.latency_p99_ms", value: run.latency.p99, unit: "ms" },
        { name: "soak.heap_growth_after_warmup", value: growth, unit: "ratio", target: { atMost: 0.1 } },
        { name: "soak.heap_after_warmup_bytes", value: before.heapUsed, unit: "bytes" },
        { name: "soak.rss_growth_after_warmup", value: (after.rss - before.rss) / before.rss, unit: "ratio" },
        { name: "soak.seconds", value: soakSeconds, unit: "s" },
      ];
    } finally {
      await stopServer(server);
    }
  },
};
