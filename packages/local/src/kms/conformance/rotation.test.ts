// Rotation: on demand, automatic (control call and clock), status and limits, through the stock SDK.
import {
  CreateAliasCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyRotationStatusCommand,
  ListKeyRotationsCommand,
  ReEncryptCommand,
  RotateKeyOnDemandCommand,
} from "@aws-sdk/client-kms";
import { describe, expect, test } from "vitest";
import { readBlobHeader } from "../blob";
import { createKey, failureOf, text, useEmulator, utf8 } from "./test-kit";

const DAY_MS = 86_400_000;
let clockMs = Date.UTC(2026, 0, 1);
const kms = useEmulator({ clock: { now: () => clockMs } });

const encrypt = async (keyId: string, plaintext: string) =>
  Buffer.from(
    (
      await kms.client.send(
        new EncryptCommand({ KeyId: keyId, Plaintext: utf8(plaintext), EncryptionContext: { r: "1" } }),
      )
    ).CiphertextBlob!,
  );
const decrypt = async (blob: Uint8Array) =>
  text(
    (await kms.client.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { r: "1" } })))
      .Plaintext,
  );
const metadataOf = async (keyId: string) =>
  (await kms.client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
const versionOf = (blob: Buffer) => readBlobHeader(blob)?.version;

describe("RotateKeyOnDemand", () => {
  test("old blobs still decrypt, new ones use the new version; id, ARN and aliases stay", async () => {
    const key = await createKey(kms.client);
    await kms.client.send(new CreateAliasCommand({ AliasName: "alias/rotating", TargetKeyId: key.KeyId }));
    const before = await encrypt(key.KeyId, "before");
    const materialBefore = (await metadataOf(key.KeyId)).CurrentKeyMaterialId;

    expect(await kms.client.send(new RotateKeyOnDemandCommand({ KeyId: "alias/rotating" }))).toMatchObject({
      KeyId: key.Arn,
    });

    const after = await encrypt("alias/rotating", "after");
    const metadata = await metadataOf("alias/rotating");
    expect(metadata.KeyId).toBe(key.KeyId);
    expect(metadata.Arn).toBe(key.Arn);
    expect(metadata.CurrentKeyMaterialId).not.toBe(materialBefore);
    expect([versionOf(before), versionOf(after)]).toEqual([1, 2]);
    expect(await decrypt(before)).toBe("before");
    expect(await decrypt(after)).toBe("after");

    const dataKey = await kms.client.send(
      new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: "AES_256" }),
    );
    expect(dataKey.KeyMaterialId).toBe(metadata.CurrentKeyMaterialId);
    const old = await kms.client.send(
      new DecryptCommand({ CiphertextBlob: before, EncryptionContext: { r: "1" } }),
    );
    expect(old.KeyMaterialId).toBe(materialBefore);
  });

  test("ReEncrypt to the same key moves an old blob to the current version", async () => {
    const key = await createKey(kms.client);
    const before = await encrypt(key.KeyId, "rewrap");
    await kms.client.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    const out = await kms.client.send(
      new ReEncryptCommand({
        CiphertextBlob: before,
        SourceEncryptionContext: { r: "1" },
        DestinationKeyId: key.KeyId,
        DestinationEncryptionContext: { r: "1" },
      }),
    );
    expect(versionOf(Buffer.from(out.CiphertextBlob!))).toBe(2);
    expect(out.SourceKeyMaterialId).not.toBe(out.DestinationKeyMaterialId);
    expect(await decrypt(out.CiphertextBlob!)).toBe("rewrap");
  });

  test("ten on-demand rotations are allowed; the 11th is LimitExceededException", async () => {
    const key = await createKey(kms.client);
    const first = await encrypt(key.KeyId, "v1");
    for (let rotation = 1; rotation <= 10; rotation++)
      await kms.client.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    expect(
      await failureOf(kms.client.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }))),
    ).toMatchObject({
      name: "LimitExceededException",
      status: 400,
      attempts: 1,
    });
    expect(versionOf(await encrypt(key.KeyId, "v11"))).toBe(11);
    expect(await decrypt(first)).toBe("v1");
  });

  test("a disabled key cannot rotate", async () => {
    const key = await createKey(kms.client);
    await kms.client.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    expect(
      await failureOf(kms.client.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }))),
    ).toMatchObject({
      name: "DisabledException",
    });
  });
});

describe("automatic rotation", () => {
  test("EnableKeyRotation defaults to 365 days and sets NextRotationDate; DisableKeyRotation clears it", async () => {
    const key = await createKey(kms.client);
    expect(await kms.client.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).toMatchObject({
      KeyRotationEnabled: false,
      KeyId: key.Arn,
    });
    await kms.client.send(new EnableKeyRotationCommand({ KeyId: key.KeyId }));
    const status = await kms.client.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    expect(status).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 365 });
    expect(status.NextRotationDate?.getTime()).toBe(clockMs + 365 * DAY_MS);
    expect(status.OnDemandRotationStartDate).toBeUndefined();

    await kms.client.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
    expect(await kms.client.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).toMatchObject({
      RotationPeriodInDays: 90,
    });
    await kms.client.send(new DisableKeyRotationCommand({ KeyId: key.KeyId }));
    const disabled = await kms.client.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    expect(disabled.KeyRotationEnabled).toBe(false);
    expect(disabled.NextRotationDate).toBeUndefined();
  });

  test("a period of 89 or 2561 days is ValidationException", async () => {
    const key = await createKey(kms.client);
    for (const days of [89, 2561])
      expect(
        await failureOf(
          kms.client.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: days })),
        ),
      ).toMatchObject({ name: "ValidationException", status: 400 });
  });

  test("emulator.rotate() performs an automatic rotation now", async () => {
    const key = await createKey(kms.client);
    const before = await encrypt(key.KeyId, "auto");
    kms.emulator.rotate(key.Arn);
    expect(versionOf(await encrypt(key.KeyId, "auto"))).toBe(2);
    expect(await decrypt(before)).toBe("auto");
    const rotations = await kms.client.send(new ListKeyRotationsCommand({ KeyId: key.KeyId }));
    expect(rotations.Rotations).toHaveLength(1);
    expect(rotations.Rotations?.[0]).toMatchObject({
      KeyId: key.Arn,
      RotationType: "AUTOMATIC",
      KeyMaterialState: "CURRENT",
    });
    expect(rotations.Rotations?.[0]?.RotationDate?.getTime()).toBe(clockMs);
  });

  test("advanceClock past NextRotationDate runs the due rotations", async () => {
    const key = await createKey(kms.client);
    await kms.client.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
    kms.emulator.advanceClock(89 * DAY_MS);
    expect(versionOf(await encrypt(key.KeyId, "x"))).toBe(1);
    kms.emulator.advanceClock(2 * DAY_MS);
    expect(versionOf(await encrypt(key.KeyId, "x"))).toBe(2);
    const status = await kms.client.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    expect(status.NextRotationDate!.getTime()).toBeGreaterThan(clockMs);
  });

  test("ListKeyRotations pages, and ALL_KEY_MATERIAL includes the original material", async () => {
    const key = await createKey(kms.client);
    await kms.client.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    await kms.client.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    const page = await kms.client.send(new ListKeyRotationsCommand({ KeyId: key.KeyId, Limit: 1 }));
    expect(page).toMatchObject({
      Truncated: true,
      Rotations: [{ RotationType: "ON_DEMAND", KeyMaterialState: "NON_CURRENT" }],
    });
    const rest = await kms.client.send(
      new ListKeyRotationsCommand({ KeyId: key.KeyId, Marker: page.NextMarker }),
    );
    expect(rest).toMatchObject({ Truncated: false, Rotations: [{ KeyMaterialState: "CURRENT" }] });
    const all = await kms.client.send(
      new ListKeyRotationsCommand({ KeyId: key.KeyId, IncludeKeyMaterial: "ALL_KEY_MATERIAL" }),
    );
    expect(all.Rotations).toHaveLength(3);
    expect(all.Rotations?.[2]?.KeyMaterialId).toBe((await metadataOf(key.KeyId)).CurrentKeyMaterialId);
  });
});

describe("rotation on RSA keys", () => {
  test("every rotation operation is UnsupportedOperationException", async () => {
    const rsa = await createKey(kms.client, { KeySpec: "RSA_2048" });
    const commands = [
      new EnableKeyRotationCommand({ KeyId: rsa.KeyId }),
      new DisableKeyRotationCommand({ KeyId: rsa.KeyId }),
      new GetKeyRotationStatusCommand({ KeyId: rsa.KeyId }),
      new RotateKeyOnDemandCommand({ KeyId: rsa.KeyId }),
      new ListKeyRotationsCommand({ KeyId: rsa.KeyId }),
    ];
    for (const command of commands)
      expect(await failureOf(kms.client.send(command as never)), command.constructor.name).toMatchObject({
        name: "UnsupportedOperationException",
        status: 400,
      });
    expect(() => kms.emulator.rotate(rsa.KeyId)).toThrow(/not supported for key rotation/);
  });

  test("enabling rotation on a disabled key is DisabledException; its status still reads", async () => {
    const key = await createKey(kms.client);
    await kms.client.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    expect(
      await failureOf(kms.client.send(new EnableKeyRotationCommand({ KeyId: key.KeyId }))),
    ).toMatchObject({
      name: "DisabledException",
    });
    await kms.client.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    await kms.client.send(new EnableKeyCommand({ KeyId: key.KeyId }));
  });
});
