import fc from "fast-check";
import { expect, test } from "vitest";
import { hasDuplicateKey } from "./duplicate-keys";

test.each([
  ['{"a":"1","a":"2"}', true],
  ['{"context":{"a":"1","a":"2"}}', true],
  ['{"a":"1","\\u0061":"2"}', true],
  ['{"a":{"b":"1"},"b":"2"}', false],
  ['[{"a":"1"},{"a":"2"}]', false],
  ['{"0":{"json":{"context":{"x":"\\"a\\":","a":"1"}}}}', false],
  ['{"a":"x\\\\","a":"y"}', true],
  ['{"k":["a","a"],"v":"a"}', false],
  ['"a"', false],
])("%s → %s", (json, expected) => {
  JSON.parse(json); // every case is valid JSON
  expect(hasDuplicateKey(json)).toBe(expected);
});

test("agrees with JSON.parse on any JSON value: a repeat is found exactly when parsing loses an entry", () => {
  const countKeys = (value: unknown): number =>
    Array.isArray(value)
      ? value.reduce((n: number, v) => n + countKeys(v), 0)
      : value && typeof value === "object"
        ? Object.entries(value).reduce((n, [, v]) => n + 1 + countKeys(v), 0)
        : 0;
  // Builds JSON text by hand from entry lists, so that keys may repeat.
  const text: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      // Values without quotes, colons or backslashes, so that the oracle's regex below cannot
      // mistake a value for a key; the keys carry the escapes.
      fc.stringMatching(/^[a-z ,{}[\]]{0,4}$/).map((s) => JSON.stringify(s)),
      fc.integer().map(String),
      fc.array(tie("value"), { maxLength: 3 }).map((items) => `[${items.join(",")}]`),
      fc
        .array(fc.tuple(fc.constantFrom("a", "b", "\\u0061", "__proto__", 'q\\"'), tie("value")), {
          maxLength: 4,
        })
        .map((entries) => `{${entries.map(([k, v]) => `"${k}":${v}`).join(",")}}`),
    ),
  })).value;
  const entriesInText = (json: string) => (json.match(/"(?:[^"\\]|\\.)*"\s*:/g) ?? []).length;
  fc.assert(
    fc.property(text, (json) => {
      const parsed = JSON.parse(json) as unknown;
      expect(hasDuplicateKey(json)).toBe(countKeys(parsed) < entriesInText(json));
    }),
    { numRuns: 500 },
  );
});
