import { expect, test } from "vitest";
import { manualClock } from "../clock";
import { createVerifiedCache } from "./verified-cache";

test("an entry is trusted for ttlMs from when it was stored, then forgotten", () => {
  const clock = manualClock(1_000);
  const cache = createVerifiedCache<string>({ max: 10, ttlMs: 1_000, clock });
  cache.set("a", "A");
  clock.advance(1_000);
  expect(cache.get("a")).toBe("A");
  expect(cache.has("a")).toBe(true);
  clock.advance(1);
  expect(cache.has("a")).toBe(false);
  expect(cache.get("a")).toBeUndefined();
  // Reading does not extend the time; storing again does.
  cache.set("a", "A2");
  clock.advance(600);
  expect(cache.get("a")).toBe("A2");
  clock.advance(600);
  expect(cache.get("a")).toBeUndefined();
});

test("past max, the least recently read entry goes first; has() is not a read", () => {
  const clock = manualClock();
  const cache = createVerifiedCache<number>({ max: 3, ttlMs: 60_000, clock });
  cache.set("a", 1);
  cache.set("b", 2);
  cache.set("c", 3);
  expect(cache.get("a")).toBe(1); // a is now the most recent
  expect(cache.has("b")).toBe(true); // not a use: b stays the least recent
  cache.set("d", 4);
  expect(cache.has("b")).toBe(false);
  expect([cache.get("a"), cache.get("c"), cache.get("d")]).toEqual([1, 3, 4]);
});

test("delete forgets at once", () => {
  const cache = createVerifiedCache<number>({ max: 3, ttlMs: 60_000, clock: manualClock() });
  cache.set("a", 1);
  cache.delete("a");
  expect(cache.get("a")).toBeUndefined();
});
