// CreateKey, DescribeKey, ListKeys, key id resolution, and the RSA key specs, through the stock SDK.
import { CreateAliasCommand, DescribeKeyCommand, ListKeysCommand } from "@aws-sdk/client-kms";
import { beforeAll, describe, expect, test } from "vitest";
import { accountId, createKey, failureOf, region, useEmulator } from "./test-kit";

const kms = useEmulator();
let key: Awaited<ReturnType<typeof createKey>>;
const alias = "alias/keys-test";

beforeAll(async () => {
  key = await createKey(kms.client, { Description: "for the key tests" });
  await kms.client.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyId }));
});

const describeKey = (keyId: string) => kms.client.send(new DescribeKeyCommand({ KeyId: keyId }));

describe("CreateKey", () => {
  test("a symmetric key has the metadata of spec §3", async () => {
    const { KeyMetadata } = await describeKey(key.KeyId);
    expect(KeyMetadata).toMatchObject({
      AWSAccountId: accountId,
      KeyId: key.KeyId,
      Arn: `arn:aws:kms:${region}:${accountId}:key/${key.KeyId}`,
      Enabled: true,
      Description: "for the key tests",
      KeyUsage: "ENCRYPT_DECRYPT",
      KeyState: "Enabled",
      Origin: "AWS_KMS",
      KeyManager: "CUSTOMER",
      KeySpec: "SYMMETRIC_DEFAULT",
      CustomerMasterKeySpec: "SYMMETRIC_DEFAULT",
      EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
      MultiRegion: false,
    });
    expect(KeyMetadata?.KeyId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(KeyMetadata?.CreationDate).toBeInstanceOf(Date);
    expect(Math.abs(KeyMetadata!.CreationDate!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(KeyMetadata?.CurrentKeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
    expect(KeyMetadata?.DeletionDate).toBeUndefined();
  });

  test.each(["RSA_2048", "RSA_3072", "RSA_4096"] as const)(
    "an %s key offers the two OAEP algorithms",
    async (spec) => {
      const rsa = await createKey(kms.client, { KeySpec: spec, KeyUsage: "ENCRYPT_DECRYPT" });
      expect(rsa).toMatchObject({
        KeySpec: spec,
        CustomerMasterKeySpec: spec,
        KeyUsage: "ENCRYPT_DECRYPT",
        EncryptionAlgorithms: ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"],
      });
      expect(rsa.CurrentKeyMaterialId).toBeUndefined();
    },
  );

  test.each([
    ["an unknown KeySpec", { KeySpec: "AES_999" }, "ValidationException"],
    ["a Description over 8192 characters", { Description: "d".repeat(8193) }, "ValidationException"],
    ["SIGN_VERIFY usage", { KeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY" }, "ValidationException"],
    [
      "KeySpec together with CustomerMasterKeySpec",
      { KeySpec: "RSA_2048", CustomerMasterKeySpec: "RSA_2048" },
      "ValidationException",
    ],
    ["an ECC key the emulator cannot make", { KeySpec: "ECC_NIST_P256" }, "UnsupportedOperationException"],
    ["imported key material", { Origin: "EXTERNAL" }, "UnsupportedOperationException"],
  ])("%s is refused with %s", async (_, input, name) => {
    expect(await failureOf(createKey(kms.client, input as never))).toMatchObject({ name, status: 400 });
  });
});

describe("key id forms", () => {
  const forms = {
    "key id": () => key.KeyId,
    "key ARN": () => key.Arn,
    "alias name": () => alias,
    "alias ARN": () => `arn:aws:kms:${region}:${accountId}:${alias}`,
  };

  test.each(Object.entries(forms))("DescribeKey by %s finds the key", async (_, idOf) => {
    expect((await describeKey(idOf())).KeyMetadata?.KeyId).toBe(key.KeyId);
  });

  test.each([
    ["an unknown key id", "00000000-0000-4000-8000-000000000000"],
    ["a key id that is not a UUID", "not-a-key"],
    ["an unknown alias", "alias/does-not-exist"],
    ["an ARN in another region", () => key.Arn.replace(region, "eu-west-1")],
    ["an ARN in another account", () => key.Arn.replace(accountId, "999999999999")],
    ["an alias ARN in another region", () => `arn:aws:kms:eu-west-1:${accountId}:${alias}`],
  ])("%s is NotFoundException", async (_, id) => {
    const keyId = typeof id === "function" ? id() : id;
    expect(await failureOf(describeKey(keyId))).toMatchObject({ name: "NotFoundException", status: 400 });
  });

  test("an ARN that is not a KMS key or alias ARN is InvalidArnException", async () => {
    expect(await failureOf(describeKey("arn:aws:s3:::bucket"))).toMatchObject({
      name: "InvalidArnException",
      status: 400,
    });
  });

  test("an empty or over-long KeyId is ValidationException", async () => {
    for (const keyId of ["", "k".repeat(2049)])
      expect(await failureOf(describeKey(keyId))).toMatchObject({ name: "ValidationException", status: 400 });
  });
});

describe("ListKeys", () => {
  test("pages with Limit 1 and Marker through every key exactly once", async () => {
    await createKey(kms.client);
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await kms.client.send(new ListKeysCommand({ Limit: 1, Marker: marker }));
      expect(page.Keys).toHaveLength(1);
      const [entry] = page.Keys!;
      expect(entry?.KeyArn).toBe(`arn:aws:kms:${region}:${accountId}:key/${entry?.KeyId}`);
      seen.push(entry!.KeyId!);
      marker = page.NextMarker;
      expect(page.Truncated).toBe(marker !== undefined);
    } while (marker);
    const all = await kms.client.send(new ListKeysCommand({}));
    expect(all.Truncated).toBe(false);
    expect(seen).toEqual(all.Keys!.map((entry) => entry.KeyId));
    expect(seen).toContain(key.KeyId);
    expect(new Set(seen).size).toBe(seen.length);
  });

  test("a bad marker is InvalidMarkerException; a Limit of 0 or 1001 is ValidationException", async () => {
    expect(
      await failureOf(kms.client.send(new ListKeysCommand({ Marker: "bm90LWEtbWFya2Vy" }))),
    ).toMatchObject({
      name: "InvalidMarkerException",
      status: 400,
    });
    for (const limit of [0, 1001])
      expect(await failureOf(kms.client.send(new ListKeysCommand({ Limit: limit })))).toMatchObject({
        name: "ValidationException",
      });
  });
});
