import { expect, test } from "vitest";
import { BASE64URL } from "@coffer/sealing/bytes";
import { newId, newIdBytes } from ".";

// One id in 64 used to start with "-" (a command line reads it as an option). 10,000 draws would
// hold about 156 such ids; none may appear, and the other 63 first characters all do.

test("new ids are 22 base64url characters (16 bytes) and never start with '-'", () => {
  const ids = Array.from({ length: 10_000 }, newId);
  const malformed = ids.filter(
    (id) => id.length !== 22 || !BASE64URL.test(id) || Buffer.from(id, "base64url").length !== 16,
  );
  expect(malformed).toEqual([]);
  const firsts = new Map<string, number>();
  for (const id of ids) firsts.set(id[0]!, (firsts.get(id[0]!) ?? 0) + 1);
  expect(firsts.has("-")).toBe(false);
  // Every other first character still occurs (each about 159 times): only "-" is left out.
  expect(firsts.size).toBe(63);
  expect(Math.min(...firsts.values())).toBeGreaterThan(60);
});

test("the bytes form is what the id encodes, and only the first byte's top six bits are constrained", () => {
  const firstBytes = Array.from({ length: 2_000 }, () => newIdBytes()[0]!);
  expect(firstBytes.filter((byte) => byte >> 2 === 62)).toEqual([]); // 0xF8–0xFB: a leading "-"
  // The low two bits of the first byte (part of the second character) are still drawn freely.
  expect(firstBytes.filter((byte) => byte & 0b11).length).toBeGreaterThan(1_000);
});
