import { expect, test } from "vitest";
import production from "../production-keys.json" with { type: "json" };
import { catalogKeys } from "@coffer/core/config";
import { type KeyIdentity, keyIdentities, keyRotation, productionKeyChanges } from "./key-identities";

const held = production.keys as Record<string, KeyIdentity>;

test("no catalog change replaces or drops a key that production holds", () => {
  // On failure, the message says which key and how to migrate instead.
  expect(productionKeyChanges(held, keyIdentities()).join("\n")).toBe("");
});

test("every key infra creates is recorded for production (record a new key once it is deployed)", () => {
  expect(Object.keys(keyIdentities()).sort()).toEqual(Object.keys(held).sort());
});

test("a changed spec, a rename and a removal are each refused, with how to migrate", () => {
  const current = keyIdentities();
  const specChanged = { ...current, pii: { ...current.pii!, keySpec: "SYMMETRIC_DEFAULT_V2" } };
  expect(productionKeyChanges(held, specChanged)).toEqual([
    expect.stringMatching(
      /"pii" would change its keySpec from SYMMETRIC_DEFAULT to SYMMETRIC_DEFAULT_V2.*rewrap/,
    ),
  ]);
  const sealChanged = { ...current, seal: { ...current.seal!, keySpec: "RSA_4096" } };
  expect(productionKeyChanges(held, sealChanged)).toEqual([
    expect.stringContaining('"seal" would change its keySpec'),
  ]);
  const { pii, ...removed } = current;
  expect(productionKeyChanges(held, removed)).toEqual([
    expect.stringContaining('"pii" is no longer in the catalog'),
  ]);
  const renamed = { ...removed, personal: pii! };
  expect(productionKeyChanges(held, renamed)).toEqual([
    expect.stringContaining('"pii" is no longer in the catalog'),
  ]);
  expect(productionKeyChanges(held, { ...current, extra: { ...pii!, resource: "ExtraKey" } })).toEqual([]);
});

test("every catalog key rotates automatically, within the period KMS allows", () => {
  for (const entry of catalogKeys) {
    const rotation = keyRotation(entry);
    expect(rotation.enableKeyRotation, entry.name).toBe(true);
    expect(rotation.rotationPeriodInDays).toBe(entry.rotation.periodDays);
  }
  expect(keyRotation({ rotation: { enabled: false, periodDays: 365 } })).toEqual({
    enableKeyRotation: false,
    rotationPeriodInDays: undefined,
  });
  expect(() => keyRotation({ rotation: { enabled: true, periodDays: 30 } })).toThrow(
    /outside what KMS allows/,
  );
});
