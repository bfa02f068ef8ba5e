import { expect, test } from "vitest";
import { manualClock } from "../clock";
import { isCofferError } from "../errors";
import { createHealthService } from "./index";

function setup() {
  const clock = manualClock(0);
  const calls = { kms: 0, dynamodb: 0 };
  const up = { kms: true, dynamodb: true };
  const probe = (name: keyof typeof up) => async () => {
    calls[name] += 1;
    if (!up[name]) throw new Error(`${name} down`);
  };
  const health = createHealthService({
    clock,
    stage: "test",
    version: "1.0.0",
    probes: { kms: probe("kms"), dynamodb: probe("dynamodb") },
    cacheMs: 5_000,
  });
  return { clock, calls, up, health };
}

test("200 concurrent public calls share one check", async () => {
  const { calls, health } = setup();
  const answers = await Promise.all(Array.from({ length: 200 }, () => health.status()));
  expect(answers.every((answer) => JSON.stringify(answer) === '{"status":"up"}')).toBe(true);
  expect(calls).toEqual({ kms: 1, dynamodb: 1 });
});

test("the public answer is reused for cacheMs, then checked again", async () => {
  const { clock, calls, up, health } = setup();
  await health.status();
  up.kms = false;
  clock.advance(4_999);
  expect(await health.status()).toEqual({ status: "up" });
  clock.advance(1);
  const refusal = await health.status().catch((error: unknown) => error);
  expect(calls).toEqual({ kms: 2, dynamodb: 2 });
  // Down, without naming what is down.
  expect(isCofferError(refusal, "unavailable")).toBe(true);
  expect((refusal as Error).message).toBe("Coffer is unavailable. Retry shortly.");
  expect(JSON.stringify(refusal)).not.toMatch(/kms|dynamo/i);
});

test("administrators get a fresh report that names what is down", async () => {
  const { calls, up, health } = setup();
  expect(await health.details()).toMatchObject({
    status: "ok",
    stage: "test",
    checks: { kms: { ok: true } },
  });
  up.dynamodb = false;
  const refusal = await health.details().catch((error: unknown) => error);
  expect((refusal as Error).message).toBe("DynamoDB is unreachable. Retry shortly.");
  expect((refusal as { details: { down: string[] } }).details.down).toEqual(["dynamodb"]);
  expect(calls.dynamodb).toBe(2);
});
