import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { type CofferClient, createCofferClient } from "@coffer/client";
import { runDynamoEndpoint } from "@coffer/testkit/dynamo";
import { type DynamoProxy, startDynamoProxy } from "@coffer/testkit/dynamo-proxy";
import { type Exercises, exercisesFor } from "@coffer/testkit/exercises";
import { codeOf } from "@coffer/testkit/refusal";
import { startTestStack } from "@coffer/testkit/stack";
import { type ProcedurePath, procedureRoutes } from "./routes";

// A hung dependency must be answered by our code with SERVICE_UNAVAILABLE before the function's
// timeout, not by Lambda killing the function. The functions here get a 20 s budget (instead of the
// route table's 10 s) so that the test does not wait that long: every SDK call then gives up after
// 8 s (aws-client's CALL_SHARE). KMS hangs through the emulator's blackhole fault (it accepts and
// never answers); DynamoDB through a proxy that stops answering.

const budgetMs = 20_000;
const paths = Object.keys(procedureRoutes) as ProcedurePath[];
let stack: Awaited<ReturnType<typeof startTestStack>>;
let dynamo: DynamoProxy;
let setupClient: CofferClient;
const allScopes = ["datakey", "encrypt", "decrypt", "rewrap", "drop", "admin"] as const;

beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  dynamo = await startDynamoProxy(runDynamoEndpoint());
  stack = await startTestStack({
    dynamoEndpoint: dynamo.url,
    environment: { COFFER_TIME_BUDGET_MS: String(budgetMs) },
  });
  setupClient = createCofferClient({
    url: stack.gateway.url,
    token: await stack.mintToken({ name: "setup", scopes: [...allScopes] }),
  });
});
afterAll(async () => {
  await stack.stop();
  await dynamo.close();
});

/** Sets every procedure up, then runs all of their calls at once under the fault; code and time of each. */
async function runAllUnder(exercises: Exercises, fault: { start(): void; stop(): void }) {
  const calls = [];
  for (const path of paths)
    calls.push(
      await exercises[path]().catch((error: Error) =>
        Promise.reject(new Error(`${path} setup: ${error.message}`)),
      ),
    );
  fault.start();
  try {
    return await Promise.all(
      calls.map(async (call, i) => {
        const started = performance.now();
        const code = await codeOf(call());
        return { path: paths[i]!, code, ms: Math.round(performance.now() - started) };
      }),
    );
  } finally {
    fault.stop();
  }
}

test("KMS hanging: every procedure that needs KMS answers SERVICE_UNAVAILABLE within the budget; the others still work", async () => {
  let rule = "";
  const results = await runAllUnder(exercisesFor(setupClient), {
    start: () => void (rule = stack.kms.faults.add({ kind: "blackhole" })),
    stop: () => stack.kms.faults.remove(rule),
  });
  for (const { path, code, ms } of results) {
    // Those without KMS must not notice (a CONFLICT can happen on a busy machine: a write that timed
    // out was applied and its retry found the item; see aws-client's MIN_ATTEMPT_FOR_THREE_MS).
    // keys.publicKey may answer from its instance's cache: the seal key's public half is fetched
    // once per instance (the setup of the sealed exercises fetched it).
    const kms = (procedureRoutes[path].kms as readonly string[]).filter((c) => c !== "getSealPublicKey");
    if (kms.length > 0) expect(`${path}: ${code}`).toBe(`${path}: SERVICE_UNAVAILABLE`);
    else expect(code, path).not.toBe("SERVICE_UNAVAILABLE");
    expect(ms, `${path} took ${ms} ms`).toBeLessThan(budgetMs);
  }
  console.info(JSON.stringify({ kmsHanging: Object.fromEntries(results.map((r) => [r.path, r.ms])) }));
}, 90_000);

test("DynamoDB stalled: every procedure that reads the table answers SERVICE_UNAVAILABLE within the budget", async () => {
  // A caller whose token no instance has verified yet, so that even its first step needs the table.
  const caller = createCofferClient({
    url: stack.gateway.url,
    token: await stack.mintToken({ name: "fresh", scopes: [...allScopes] }),
  });
  const results = await runAllUnder(exercisesFor(setupClient, caller), {
    start: () => dynamo.stall(true),
    stop: () => dynamo.stall(false),
  });
  for (const { path, code, ms } of results) {
    // keys.publicKey is the one procedure that never reads the table.
    if (procedureRoutes[path].dynamo.length > 0)
      expect(`${path}: ${code}`).toBe(`${path}: SERVICE_UNAVAILABLE`);
    else expect(code, path).toBe("ok");
    expect(ms, `${path} took ${ms} ms`).toBeLessThan(budgetMs);
  }
  console.info(JSON.stringify({ dynamoStalled: Object.fromEntries(results.map((r) => [r.path, r.ms])) }));
}, 90_000);
