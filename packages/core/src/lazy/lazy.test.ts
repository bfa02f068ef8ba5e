import { expect, test } from "vitest";
import { buildOnFirstUse } from ".";

test("each property is built once, on its first read, and not before", () => {
  const made: string[] = [];
  const built = buildOnFirstUse({
    a: () => (made.push("a"), { name: "a" }),
    b: () => (made.push("b"), 2),
  });
  expect(made).toEqual([]);
  expect(built.a.name).toBe("a");
  expect(built.a).toBe(built.a);
  expect(made).toEqual(["a"]);
  expect(built.b).toBe(2);
  expect(made).toEqual(["a", "b"]);
});
