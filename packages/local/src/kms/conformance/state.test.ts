// Key states: DisableKey/EnableKey, ScheduleKeyDeletion/CancelKeyDeletion, and what each state
// allows, through the stock SDK. The emulator's clock is manual, so deletion happens on demand.
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyRotationStatusCommand,
  ListAliasesCommand,
  ListKeysCommand,
  ReEncryptCommand,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import { describe, expect, test } from "vitest";
import { createKey, failureOf, useEmulator, utf8 } from "./test-kit";

const DAY_MS = 86_400_000;
let clockMs = Date.UTC(2026, 0, 1);
const kms = useEmulator({ clock: { now: () => clockMs } });

async function keyWithBlob(context = { a: "1" }) {
  const key = await createKey(kms.client);
  const out = await kms.client.send(
    new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8("x"), EncryptionContext: context }),
  );
  return { key, blob: out.CiphertextBlob! };
}

const crypto = (keyId: string, blob: Uint8Array) => ({
  Encrypt: () => kms.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: utf8("x") })),
  GenerateDataKey: () => kms.client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256" })),
  Decrypt: () => kms.client.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { a: "1" } })),
  "Decrypt with a wrong context": () =>
    kms.client.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { a: "wrong" } })),
  ReEncrypt: () =>
    kms.client.send(
      new ReEncryptCommand({
        CiphertextBlob: blob,
        SourceEncryptionContext: { a: "1" },
        DestinationKeyId: keyId,
      }),
    ),
});

describe("DisableKey and EnableKey", () => {
  test("a disabled key refuses every crypto call with DisabledException; EnableKey restores it", async () => {
    const { key, blob } = await keyWithBlob();
    await kms.client.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await kms.client.send(new DisableKeyCommand({ KeyId: key.KeyId })); // idempotent
    const metadata = (await kms.client.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata;
    expect(metadata).toMatchObject({ KeyState: "Disabled", Enabled: false });
    for (const [name, call] of Object.entries(crypto(key.KeyId, blob)))
      expect(await failureOf(call()), name).toMatchObject({ name: "DisabledException", status: 400 });

    await kms.client.send(new EnableKeyCommand({ KeyId: key.KeyId }));
    await kms.client.send(new EnableKeyCommand({ KeyId: key.KeyId })); // idempotent
    await crypto(key.KeyId, blob).Decrypt();
    await crypto(key.KeyId, blob).Encrypt();
  });

  test("DescribeKey, ListKeys and GetKeyRotationStatus still work on a disabled key", async () => {
    const { key } = await keyWithBlob();
    await kms.client.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await kms.client.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    const listed = await kms.client.send(new ListKeysCommand({ Limit: 1000 }));
    expect(listed.Keys?.map((entry) => entry.KeyId)).toContain(key.KeyId);
  });
});

describe("ScheduleKeyDeletion and CancelKeyDeletion", () => {
  test("a window of 6 or 31 days is ValidationException; 7 works and is shown by DescribeKey", async () => {
    const { key, blob } = await keyWithBlob();
    for (const days of [6, 31])
      expect(
        await failureOf(
          kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: days })),
        ),
      ).toMatchObject({ name: "ValidationException", status: 400 });

    const out = await kms.client.send(
      new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }),
    );
    expect(out).toMatchObject({ KeyId: key.Arn, KeyState: "PendingDeletion", PendingWindowInDays: 7 });
    expect(out.DeletionDate?.getTime()).toBe(clockMs + 7 * DAY_MS);
    const metadata = (await kms.client.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata;
    expect(metadata).toMatchObject({
      KeyState: "PendingDeletion",
      Enabled: false,
      PendingDeletionWindowInDays: 7,
    });
    expect(metadata?.DeletionDate?.getTime()).toBe(clockMs + 7 * DAY_MS);

    for (const [name, call] of Object.entries(crypto(key.KeyId, blob)))
      expect(await failureOf(call()), name).toMatchObject({ name: "KMSInvalidStateException", status: 400 });
    for (const command of [
      new EnableKeyCommand({ KeyId: key.KeyId }),
      new DisableKeyCommand({ KeyId: key.KeyId }),
    ])
      expect(await failureOf(kms.client.send(command))).toMatchObject({ name: "KMSInvalidStateException" });
    expect(
      await failureOf(kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }))),
    ).toMatchObject({ name: "KMSInvalidStateException" });
  });

  test("the default window is 30 days; CancelKeyDeletion leaves the key Disabled", async () => {
    const { key, blob } = await keyWithBlob();
    const out = await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    expect(out.PendingWindowInDays).toBe(30);
    expect(await kms.client.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }))).toMatchObject({
      KeyId: key.Arn,
    });
    const metadata = (await kms.client.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata;
    expect(metadata).toMatchObject({ KeyState: "Disabled", Enabled: false });
    expect(metadata?.DeletionDate).toBeUndefined();
    await kms.client.send(new EnableKeyCommand({ KeyId: key.KeyId }));
    await crypto(key.KeyId, blob).Decrypt();
  });

  test("CancelKeyDeletion on a key that is not pending is KMSInvalidStateException", async () => {
    const { key } = await keyWithBlob();
    expect(
      await failureOf(kms.client.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }))),
    ).toMatchObject({
      name: "KMSInvalidStateException",
      status: 400,
    });
  });

  test("once DeletionDate passes the key and its aliases are gone; its blobs are NotFoundException", async () => {
    const { key, blob } = await keyWithBlob();
    await kms.client.send(
      new CreateAliasCommand({ AliasName: "alias/to-be-deleted", TargetKeyId: key.KeyId }),
    );
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    clockMs += 7 * DAY_MS - 1;
    await kms.client.send(new DescribeKeyCommand({ KeyId: key.KeyId }));
    clockMs += 1;
    expect(await failureOf(kms.client.send(new DescribeKeyCommand({ KeyId: key.KeyId })))).toMatchObject({
      name: "NotFoundException",
    });
    expect(await failureOf(crypto(key.KeyId, blob).Decrypt())).toMatchObject({ name: "NotFoundException" });
    const aliases = await kms.client.send(new ListAliasesCommand({ Limit: 100 }));
    expect(aliases.Aliases?.map((alias) => alias.AliasName)).not.toContain("alias/to-be-deleted");
  });

  test("advanceClock drives deletion too", async () => {
    const { key } = await keyWithBlob();
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    kms.emulator.advanceClock(8 * DAY_MS);
    expect(await failureOf(kms.client.send(new DescribeKeyCommand({ KeyId: key.KeyId })))).toMatchObject({
      name: "NotFoundException",
    });
  });
});
