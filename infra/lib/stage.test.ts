import { expect, test } from "vitest";
import { componentName, stageSettings } from "./stage";

test("production keeps its data; other stages are disposable", () => {
  expect(stageSettings("production")).toEqual({
    isProduction: true,
    dataResourceOptions: { retainOnDelete: true, protect: true },
    kmsDeletionWindowDays: 30,
    pointInTimeRecovery: true,
    deletionProtection: true,
  });
  expect(stageSettings("pr-42")).toMatchObject({
    isProduction: false,
    dataResourceOptions: { retainOnDelete: false, protect: false },
    kmsDeletionWindowDays: 7,
    deletionProtection: false,
  });
});

test("component names are PascalCase", () => {
  expect(componentName("default", "Key")).toBe("DefaultKey");
  expect(componentName("my-key", "alias")).toBe("MyKeyAlias");
});
