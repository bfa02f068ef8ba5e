import { expect, test } from "vitest";
import { createIvSource, newSalt } from "./nonces";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

test("every IV is fresh, across pool refills, and later draws never overwrite earlier ones", () => {
  const next = createIvSource();
  const drawn = Array.from({ length: 1_000 }, () => next()); // almost four pools
  const atDrawTime = drawn.map(hex);
  expect(drawn.every((iv) => iv.length === 12)).toBe(true);
  expect(new Set(atDrawTime).size).toBe(1_000);
  for (let i = 0; i < 600; i++) next();
  expect(drawn.map(hex)).toEqual(atDrawTime);
});

test("salts are 32 fresh bytes each", () => {
  const salts = Array.from({ length: 100 }, () => hex(newSalt()));
  expect(salts.every((salt) => salt.length === 64)).toBe(true);
  expect(new Set(salts).size).toBe(100);
});
