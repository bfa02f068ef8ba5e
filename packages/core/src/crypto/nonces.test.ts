import { expect, test } from "vitest";
import { createNonceSource } from "./nonces";

test("every salt and IV is fresh, across pool refills, and later draws never overwrite earlier ones", () => {
  const next = createNonceSource();
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
  const drawn = Array.from({ length: 500 }, () => next()); // more than five pools
  const atDrawTime: string[] = [];
  for (const nonces of drawn) atDrawTime.push(hex(nonces.salt) + hex(nonces.iv));
  expect(drawn.every(({ salt, iv }) => salt.length === 32 && iv.length === 12)).toBe(true);
  expect(new Set([...drawn.map(({ salt }) => hex(salt)), ...drawn.map(({ iv }) => hex(iv))]).size).toBe(1000);
  for (let i = 0; i < 200; i++) next();
  expect(drawn.map(({ salt, iv }) => hex(salt) + hex(iv))).toEqual(atDrawTime);
});
