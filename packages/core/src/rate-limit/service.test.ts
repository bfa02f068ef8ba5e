import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { isCofferError } from "../errors";
import { createTestTable, tableClock, type TestTable } from "@coffer/testkit/dynamo";
import { createRateLimiter } from "./service";

let table: TestTable;
beforeAll(async () => void (table = await createTestTable()));
afterAll(() => table.drop());

const pepperOf = (bytes: Buffer) => async () => bytes;
const pepper = pepperOf(randomBytes(32));

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: unknown) => (isCofferError(error) ? error.kind : String(error)),
  );

test("concurrent requests past the max are refused, per subject, until the window turns", async () => {
  const clock = tableClock();
  const limiter = createRateLimiter({ db: table.db, clock, pepper });
  const rule = { max: 5, windowSeconds: 60 };
  const results = await Promise.all(
    Array.from({ length: 12 }, () => outcome(limiter.consume("test", "203.0.113.7", rule))),
  );
  expect(results.filter((r) => r === "ok")).toHaveLength(5);
  expect(results.filter((r) => r === "rate_limited")).toHaveLength(7);
  expect(await outcome(limiter.consume("test", "203.0.113.8", rule))).toBe("ok");
  expect(await outcome(limiter.consume("other", "203.0.113.7", rule))).toBe("ok");
  clock.advance(60_000);
  expect(await outcome(limiter.consume("test", "203.0.113.7", rule))).toBe("ok");
});

test("the table holds no raw IP address", async () => {
  const limiter = createRateLimiter({ db: table.db, clock: tableClock(), pepper });
  await limiter.consume("test", "198.51.100.23", { max: 5, windowSeconds: 60 });
  const { data } = await table.db.entities.rateLimit.scan.go();
  expect(data.length).toBeGreaterThan(0);
  expect(JSON.stringify(data)).not.toContain("198.51.100.23");
  expect(data.every((item) => typeof item.expiresAt === "number")).toBe(true);
});

test("instances with the same pepper count together; without it, an IP's counter cannot be found", async () => {
  const clock = tableClock();
  const rule = { max: 2, windowSeconds: 60 };
  const [one, two] = [0, 1].map(() => createRateLimiter({ db: table.db, clock, pepper }));
  const otherPepper = createRateLimiter({ db: table.db, clock, pepper: pepperOf(randomBytes(32)) });
  expect(await outcome(one!.consume("shared", "203.0.113.50", rule))).toBe("ok");
  expect(await outcome(two!.consume("shared", "203.0.113.50", rule))).toBe("ok");
  expect(await outcome(one!.consume("shared", "203.0.113.50", rule))).toBe("rate_limited");
  // Someone holding the table but not the pepper lands on a fresh counter for the same IP.
  expect(await outcome(otherPepper.consume("shared", "203.0.113.50", rule))).toBe("ok");
});
