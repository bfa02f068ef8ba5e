import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { limits } from "../config";
import { CofferError } from "../errors";
import { assertValidContext, decodeCanonical, decodeContext, encodeContext, kmsContextFor } from "./context";

const reasonOf = (run: () => unknown) => {
  try {
    run();
    return "ok";
  } catch (error) {
    return error instanceof CofferError
      ? `${error.kind}/${error.reason}`
      : `not a CofferError: ${String(error)}`;
  }
};

describe("assertValidContext", () => {
  test.each([
    ["a normal context", { tenant: "acme", "order-id": "42" }, "ok"],
    ["the empty context", {}, "ok"],
    ["an empty value", { note: "" }, "ok"],
    ["a value that is not a string", { n: 1 as unknown as string }, "invalid/context_not_string"],
    ["an empty key", { "": "x" }, "invalid/context_empty_key"],
    ["a __proto__ key", JSON.parse('{"__proto__":"x"}'), "invalid/context_reserved_key"],
    ["a constructor key", { constructor: "x" }, "ok"],
    ["a coffer: key", { "coffer:version": "1" }, "invalid/context_reserved_key"],
    ["a Coffer: key in other case", { "Coffer:key": "x" }, "invalid/context_reserved_key"],
    ["an aws: key", { "aws:pi": "3" }, "invalid/context_reserved_key"],
    ["purpose=bin", { purpose: "bin", binId: "b1" }, "invalid/context_reserved_pair"],
    ["purpose with another value", { purpose: "billing" }, "ok"],
    ["a lone surrogate", { k: "\uD800" }, "invalid/context_malformed_unicode"],
    ["a surrogate pair", { k: "\u{1F600}" }, "ok"],
    [
      "too many entries",
      Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])),
      "invalid/context_too_many_entries",
    ],
    ["a key of 129 chars", { ["k".repeat(129)]: "v" }, "invalid/context_key_too_long"],
    ["a value of 1025 chars", { k: "v".repeat(1025) }, "invalid/context_value_too_long"],
    [
      "4097 bytes in total",
      { a: "x".repeat(1024), b: "x".repeat(1024), c: "x".repeat(1024), d: "x".repeat(1024) },
      "invalid/context_too_large",
    ],
    ["an array", ["x"] as unknown as Record<string, string>, "invalid/context_not_object"],
  ])("%s → %s", (_name, context, expected) => {
    expect(reasonOf(() => assertValidContext(context))).toBe(expected);
  });

  test("the largest valid context is accepted", () => {
    const context = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`k${i}`, "x".repeat(1022)]));
    expect(Object.keys(context)).toHaveLength(4);
    expect(reasonOf(() => assertValidContext(context))).toBe("ok");
    expect(limits.maxContextBytes).toBe(4 * 1024);
  });
});

describe("canonical context encoding", () => {
  test("is documented byte by byte (docs/envelope.md)", () => {
    expect(encodeContext({}).toString("hex")).toBe("0000");
    expect(encodeContext({ b: "2", a: "1" }).toString("hex")).toBe(
      "0002" + "0001" + "61" + "0001" + "31" + "0001" + "62" + "0001" + "32",
    );
  });

  test("sorts by UTF-8 bytes, not by UTF-16 code units", () => {
    const decoded = Object.keys(decodeContext(encodeContext({ "\uFF61": "1", "\u{1F600}": "2" })));
    expect(decoded).toEqual(["\uFF61", "\u{1F600}"]);
  });

  test("length prefixes keep {ab: c} and {a: bc} apart", () => {
    expect(encodeContext({ ab: "c" }).equals(encodeContext({ a: "bc" }))).toBe(false);
  });

  test("round-trips any context, whatever the key order, and distinct contexts encode distinctly", () => {
    const context = fc.dictionary(
      fc.string({ minLength: 1, unit: "grapheme" }),
      fc.string({ unit: "grapheme" }),
      { maxKeys: 6 },
    );
    fc.assert(
      fc.property(context, context, (a, b) => {
        const reordered = Object.fromEntries(Object.entries(a).reverse());
        expect(encodeContext(reordered).equals(encodeContext(a))).toBe(true);
        expect(decodeCanonical(encodeContext(a))).toEqual(a);
        const same = JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
        expect(encodeContext(a).equals(encodeContext(b))).toBe(same);
      }),
    );
  });

  test("keeps a leading byte-order mark (it is part of the value)", () => {
    expect(decodeContext(encodeContext({ k: "\uFEFFv" }))).toEqual({ k: "\uFEFFv" });
  });

  test("a __proto__ key survives the canonical encoding, but a header holding one is refused", () => {
    const context = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
    const decoded = decodeCanonical(encodeContext(context));
    expect(Object.keys(decoded)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(() => decodeContext(encodeContext(context))).toThrow(
      expect.objectContaining({ reason: "envelope_malformed", details: { part: "header.context" } }),
    );
  });

  test.each([
    ["a reserved coffer: key", { "coffer:key": "default" }],
    ["the pair purpose=bin", { purpose: "bin" }],
    [
      "an empty value is fine, but 17 entries are not",
      Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, ""])),
    ],
  ])("decoding a header context refuses %s (the rules apply on every path)", (_name, context) => {
    expect(() => decodeContext(encodeContext(context))).toThrow(
      expect.objectContaining({ reason: "envelope_malformed", details: { part: "header.context" } }),
    );
  });

  test.each([
    ["no count", "", "header.context"],
    ["entries out of order", "0002" + "000162" + "0000" + "000161" + "0000", "header.context"],
    ["a duplicate key", "0002" + "000161" + "0000" + "000161" + "0000", "header.context"],
    ["an empty key", "0001" + "0000" + "0000", "header.context"],
    ["invalid UTF-8", "0001" + "0001ff" + "0000", "header.context"],
    ["a missing entry", "0001", "header.context"],
    ["bytes after the last entry", "0000" + "00", "header.context"],
  ])("decoding refuses %s", (_name, hex, part) => {
    expect(() => decodeContext(Buffer.from(hex, "hex"))).toThrow(
      expect.objectContaining({ reason: "envelope_malformed", details: { part } }),
    );
  });
});

test("the KMS context adds the reserved entries that bind the key slot", () => {
  expect(kmsContextFor("default", 3, { tenant: "acme" })).toEqual({
    tenant: "acme",
    "coffer:key": "default",
    "coffer:version": "3",
  });
});
