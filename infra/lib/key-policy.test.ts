import { expect, test } from "vitest";
import { KEY_ADMIN_ACTIONS, KEY_USE_ACTIONS, keyPolicy } from "./key-policy";

const roles = ["arn:aws:iam::111122223333:role/decrypt", "arn:aws:iam::111122223333:role/api"];
const policy = keyPolicy({ accountId: "111122223333", userRoleArns: roles });
const matches = (pattern: string, action: string) =>
  new RegExp(`^${pattern.replace("*", ".*")}$`).test(action);
const statementFor = (sid: string) =>
  policy.Statement.find((s) => s.Sid === sid) as { Principal: { AWS: unknown }; Action: string[] };

test("the account administers the key but cannot use it through IAM alone", () => {
  const admin = statementFor("AccountAdministersTheKey");
  expect(admin.Principal.AWS).toBe("arn:aws:iam::111122223333:root");
  for (const use of [
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
  ])
    expect(
      admin.Action.some((pattern) => matches(pattern, use)),
      use,
    ).toBe(false);
  // It can always be re-policied, disabled, rotated and deleted: the key never becomes unmanageable.
  for (const needed of [
    "kms:PutKeyPolicy",
    "kms:DisableKey",
    "kms:EnableKeyRotation",
    "kms:ScheduleKeyDeletion",
    "kms:DescribeKey",
  ])
    expect(
      admin.Action.some((pattern) => matches(pattern, needed)),
      needed,
    ).toBe(true);
});

test("only the named roles may use the key", () => {
  const use = statementFor("FunctionsUseTheKey");
  expect(use.Principal.AWS).toEqual([...roles].sort());
  expect(use.Action).toEqual(KEY_USE_ACTIONS);
  expect(KEY_ADMIN_ACTIONS).not.toContain("kms:*");
});

test("a key no function uses has no use statement at all", () => {
  expect(keyPolicy({ accountId: "1", userRoleArns: [] }).Statement.map((s) => s.Sid)).toEqual([
    "AccountAdministersTheKey",
  ]);
});
