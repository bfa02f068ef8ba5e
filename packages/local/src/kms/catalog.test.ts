// provisionCatalogKeys against the emulator: the catalog's keys, aliases and rotation, and nothing
// new on a second run.
import {
  CreateAliasCommand,
  DescribeKeyCommand,
  GetKeyRotationStatusCommand,
  ListKeysCommand,
} from "@aws-sdk/client-kms";
import { catalogKeys, keyCatalog, kmsAliasName, sealKey } from "@coffer/core/config";
import { beforeAll, describe, expect, test } from "vitest";
import { type ProvisionedCatalog, provisionCatalogKeys } from "./catalog";
import { createKey, useEmulator } from "./conformance/test-kit";

const kms = useEmulator();
let provisioned: ProvisionedCatalog;
let keysAfterFirstRun: number | undefined;

// Each run makes an RSA_3072 seal key (the slow part), so the tests share the first run.
beforeAll(async () => {
  provisioned = await provisionCatalogKeys({ client: kms.client, stage: "first" });
  keysAfterFirstRun = (await kms.client.send(new ListKeysCommand({ Limit: 1000 }))).Keys?.length;
});

describe("provisionCatalogKeys", () => {
  test("creates one key per catalog entry and the RSA seal key, each under its stage alias", async () => {
    expect(keysAfterFirstRun).toBe(catalogKeys.length + 1);
    expect(Object.keys(provisioned.keys).sort()).toEqual(Object.keys(keyCatalog).sort());

    for (const entry of catalogKeys) {
      const key = provisioned.keys[entry.name as keyof typeof keyCatalog];
      expect(key.alias).toBe(kmsAliasName("first", entry.name));
      const metadata = (await kms.client.send(new DescribeKeyCommand({ KeyId: key.alias }))).KeyMetadata;
      expect(metadata).toMatchObject({
        KeyId: key.keyId,
        Arn: key.arn,
        KeySpec: entry.keySpec,
        Description: entry.description,
        KeyState: "Enabled",
      });
      const rotation = await kms.client.send(new GetKeyRotationStatusCommand({ KeyId: key.keyId }));
      expect(rotation.KeyRotationEnabled).toBe(entry.rotation.enabled);
      if (entry.rotation.enabled) expect(rotation.RotationPeriodInDays).toBe(entry.rotation.periodDays);
    }

    expect(provisioned.seal.alias).toBe(kmsAliasName("first", sealKey.name));
    const seal = (await kms.client.send(new DescribeKeyCommand({ KeyId: provisioned.seal.alias })))
      .KeyMetadata;
    expect(seal).toMatchObject({
      KeyId: provisioned.seal.keyId,
      Arn: provisioned.seal.arn,
      KeySpec: sealKey.keySpec,
      KeyUsage: "ENCRYPT_DECRYPT",
      EncryptionAlgorithms: expect.arrayContaining([sealKey.encryptionAlgorithm]),
    });
  });

  test("a second run creates nothing and returns the same keys", async () => {
    const keysBefore = (await kms.client.send(new ListKeysCommand({ Limit: 1000 }))).Keys?.length;
    kms.emulator.resetCounts();

    const second = await provisionCatalogKeys({ client: kms.client, stage: "first" });
    expect(second).toEqual(provisioned);
    const counts = kms.emulator.requestCounts();
    for (const mutating of [
      "CreateKey",
      "CreateAlias",
      "EnableKeyRotation",
      "DisableKeyRotation",
      "ScheduleKeyDeletion",
    ])
      expect(counts[mutating], mutating).toBeUndefined();
    expect((await kms.client.send(new ListKeysCommand({ Limit: 1000 }))).Keys?.length).toBe(keysBefore);
  });

  test("two runs at once end with one key per alias", async () => {
    const [one, two] = await Promise.all([
      provisionCatalogKeys({ client: kms.client, stage: "racing" }),
      provisionCatalogKeys({ client: kms.client, stage: "racing" }),
    ]);
    expect(two).toEqual(one);
  });

  test("another stage gets its own keys", async () => {
    const other = await provisionCatalogKeys({ client: kms.client, stage: "other" });
    expect(other.keys.default.keyId).not.toBe(provisioned.keys.default.keyId);
    expect(other.keys.default.alias).toBe("alias/coffer/other/default");
    expect(other.seal.keyId).not.toBe(provisioned.seal.keyId);
  });

  test("an alias already pointing at a key of the wrong spec is an error, not a silent reuse", async () => {
    const rsa = await createKey(kms.client, { KeySpec: "RSA_2048" });
    await kms.client.send(
      new CreateAliasCommand({ AliasName: kmsAliasName("mixed", "default"), TargetKeyId: rsa.KeyId }),
    );
    await expect(provisionCatalogKeys({ client: kms.client, stage: "mixed" })).rejects.toThrow(
      /names a RSA_2048 key, but the catalog wants SYMMETRIC_DEFAULT/,
    );
  });
});
