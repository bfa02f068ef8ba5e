import { describe, expect, test } from "vitest";
import {
  type FunctionName,
  functionNames,
  type KmsCapability,
  kmsCapabilitiesOf,
  procedureRoutes,
  scheduledJobs,
} from "@coffer/functions/routes";
import {
  BIN_CONTEXT_KEYS_CONDITION,
  BIN_PURPOSE_CONDITION,
  SEAL_ALGORITHM_CONDITION,
  type KmsStatement,
  kmsStatement,
  kmsStatements,
} from "./policies";

const keys = { data: ["arn:data:default"], bins: "arn:bins", seal: "arn:seal" };

// The spec, written out independently of the builder: the IAM actions each capability may grant.
const expectedActions: Record<KmsCapability, string[]> = {
  describeKey: ["kms:DescribeKey"],
  generateDataKey: ["kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext"],
  decryptDataKey: ["kms:Decrypt"],
  reEncryptDataKey: ["kms:ReEncryptFrom", "kms:ReEncryptTo"],
  generateBinKey: ["kms:GenerateDataKey"],
  decryptBinKey: ["kms:Decrypt"],
  getSealPublicKey: ["kms:GetPublicKey"],
  decryptSealKey: ["kms:Decrypt"],
  rotateKey: ["kms:RotateKeyOnDemand", "kms:ListKeyRotations"],
  listKeyRotations: ["kms:ListKeyRotations"],
};

const policyOf = (fn: FunctionName) => kmsStatements(kmsCapabilitiesOf(fn), keys);
const grants = (statements: KmsStatement<string>[]) =>
  statements.flatMap((s) =>
    s.actions.flatMap((action) =>
      s.resources.map((resource) => ({ action, resource, conditions: s.conditions })),
    ),
  );

describe("KMS policies from the route table", () => {
  test.each(Object.entries(expectedActions))("%s grants exactly its actions", (capability, actions) => {
    expect(kmsStatement(capability as KmsCapability, keys).actions.sort()).toEqual([...actions].sort());
  });

  test.each(functionNames)("the %s function holds exactly what its procedures need", (fn) => {
    const needed = new Set(
      Object.values(procedureRoutes)
        .filter((route) => route.fn === fn)
        .flatMap((route) => route.kms.flatMap((capability) => expectedActions[capability])),
    );
    const held = new Set(policyOf(fn).flatMap((statement) => statement.actions));
    expect([...held].sort()).toEqual([...needed].sort());
  });

  test("only the decrypt function may decrypt data keys", () => {
    for (const fn of functionNames) {
      const unconditionedDecrypt = grants(policyOf(fn)).filter(
        (grant) => grant.action === "kms:Decrypt" && keys.data.includes(grant.resource),
      );
      if (fn !== "decrypt") expect(unconditionedDecrypt).toEqual([]);
    }
  });

  test("bin keys are only usable under the purpose=bin context", () => {
    for (const fn of functionNames) {
      for (const grant of grants(policyOf(fn)).filter((g) => g.resource === keys.bins)) {
        expect(grant.conditions).toContainEqual(BIN_PURPOSE_CONDITION);
        expect(grant.conditions).toContainEqual(BIN_CONTEXT_KEYS_CONDITION);
      }
    }
  });

  test("only functions serving a procedure that opens sealed input may decrypt with the seal key", () => {
    const opening = new Set(
      Object.values(procedureRoutes)
        .filter((route) => (route.kms as readonly KmsCapability[]).includes("decryptSealKey"))
        .map((route) => route.fn),
    );
    for (const fn of functionNames) {
      const sealDecrypt = grants(policyOf(fn)).filter(
        (grant) => grant.action === "kms:Decrypt" && grant.resource === keys.seal,
      );
      expect(sealDecrypt.length > 0, fn).toBe(opening.has(fn));
      for (const grant of sealDecrypt) expect(grant.conditions).toContainEqual(SEAL_ALGORITHM_CONDITION);
    }
  });

  test("no function gets wildcards or actions Coffer never calls", () => {
    const allowed = new Set(Object.values(expectedActions).flat());
    for (const fn of functionNames) {
      for (const statement of policyOf(fn)) {
        for (const action of statement.actions) expect(allowed.has(action), action).toBe(true);
        expect(statement.resources).not.toContain("*");
      }
    }
  });
});

describe("the scheduled key maintenance", () => {
  test("holds ListKeyRotations and ReEncrypt on the data keys, and nothing else", () => {
    const statements = kmsStatements(scheduledJobs.keyMaintenance.kms, keys);
    expect(statements.flatMap((s) => s.actions).sort()).toEqual([
      "kms:ListKeyRotations",
      "kms:ReEncryptFrom",
      "kms:ReEncryptTo",
    ]);
    expect(new Set(statements.flatMap((s) => s.resources))).toEqual(new Set(keys.data));
  });
});
