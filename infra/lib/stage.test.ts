import { expect, test } from "vitest";
import { componentName, stageAlarmSettings, stageSettings } from "./stage";

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

test("alarm settings: an optional email and KMS quota, refused when malformed", () => {
  expect(stageAlarmSettings({})).toEqual({ email: undefined, kmsQuotaPerSecond: undefined });
  expect(
    stageAlarmSettings({ COFFER_ALARM_EMAIL: "ops@example.com", COFFER_KMS_QUOTA_PER_SECOND: "50000" }),
  ).toEqual({
    email: "ops@example.com",
    kmsQuotaPerSecond: 50_000,
  });
  expect(() => stageAlarmSettings({ COFFER_KMS_QUOTA_PER_SECOND: "lots" })).toThrow(/positive whole number/);
  expect(() => stageAlarmSettings({ COFFER_ALARM_EMAIL: "a@b.c, d@e.f" })).toThrow(/one email address/);
});
