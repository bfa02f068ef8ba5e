// State across restarts with a state file, the file's shape and atomic writes, and the in-memory
// mode writing nothing at all.
import { constants, createPublicKey, publicEncrypt } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateAliasCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  GetPublicKeyCommand,
  ListAliasesCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import { afterEach, describe, expect, test } from "vitest";
import { type KmsEmulator, type KmsEmulatorOptions, startKmsEmulator } from "../index";
import { createClient, createKey, failureOf, text, utf8 } from "./test-kit";

const folders: string[] = [];
const running: Array<{ emulator: KmsEmulator; client: ReturnType<typeof createClient> }> = [];
afterEach(async () => {
  for (const { emulator, client } of running.splice(0)) {
    client.destroy();
    await emulator.close();
  }
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "coffer-kms-"));
  folders.push(folder);
  return folder;
}

async function start(options: KmsEmulatorOptions) {
  const emulator = await startKmsEmulator(options);
  const client = createClient(emulator.url);
  running.push({ emulator, client });
  return { emulator, client };
}

async function stop(instance: { emulator: KmsEmulator; client: ReturnType<typeof createClient> }) {
  running.splice(running.indexOf(instance), 1);
  instance.client.destroy();
  await instance.emulator.close();
}

describe("with a state file", () => {
  test("keys, versions, aliases, states and rotation survive a restart", async () => {
    const statePath = join(tempFolder(), ".coffer", "kms-state.json");
    const first = await start({ statePath });
    const key = await createKey(first.client);
    await first.client.send(new CreateAliasCommand({ AliasName: "alias/kept", TargetKeyId: key.KeyId }));
    await first.client.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 180 }));
    const encrypt = async (client: typeof first.client, plaintext: string) =>
      (
        await client.send(
          new EncryptCommand({
            KeyId: "alias/kept",
            Plaintext: utf8(plaintext),
            EncryptionContext: { p: "1" },
          }),
        )
      ).CiphertextBlob!;
    const beforeRotation = await encrypt(first.client, "before rotation");
    await first.client.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    const afterRotation = await encrypt(first.client, "after rotation");
    const material = (await first.client.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata
      ?.CurrentKeyMaterialId;

    const rsa = await createKey(first.client, { KeySpec: "RSA_2048" });
    const publicKey = (await first.client.send(new GetPublicKeyCommand({ KeyId: rsa.KeyId }))).PublicKey!;
    const sealed = publicEncrypt(
      {
        key: createPublicKey({ key: Buffer.from(publicKey), format: "der", type: "spki" }),
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: "sha256",
      },
      utf8("sealed before restart"),
    );
    const disabled = await createKey(first.client);
    await first.client.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
    const doomed = await createKey(first.client);
    await first.client.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyId, PendingWindowInDays: 7 }));
    await stop(first);

    const second = await start({ statePath });
    expect(second.emulator.url).not.toBe(first.emulator.url);
    for (const [blob, plaintext] of [
      [beforeRotation, "before rotation"],
      [afterRotation, "after rotation"],
    ] as const) {
      const out = await second.client.send(
        new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { p: "1" } }),
      );
      expect(text(out.Plaintext)).toBe(plaintext);
      expect(out.KeyId).toBe(key.Arn);
    }
    expect(
      (await second.client.send(new DescribeKeyCommand({ KeyId: "alias/kept" }))).KeyMetadata,
    ).toMatchObject({
      KeyId: key.KeyId,
      CurrentKeyMaterialId: material,
    });
    expect(await second.client.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).toMatchObject({
      KeyRotationEnabled: true,
      RotationPeriodInDays: 180,
    });
    const rsaOut = await second.client.send(
      new DecryptCommand({
        CiphertextBlob: sealed,
        KeyId: rsa.Arn,
        EncryptionAlgorithm: "RSAES_OAEP_SHA_256",
      }),
    );
    expect(text(rsaOut.Plaintext)).toBe("sealed before restart");
    expect(
      (await second.client.send(new DescribeKeyCommand({ KeyId: disabled.KeyId }))).KeyMetadata?.KeyState,
    ).toBe("Disabled");
    expect(
      (await second.client.send(new DescribeKeyCommand({ KeyId: doomed.KeyId }))).KeyMetadata?.KeyState,
    ).toBe("PendingDeletion");
    const aliases = await second.client.send(new ListAliasesCommand({}));
    expect(aliases.Aliases?.map((alias) => alias.AliasName)).toEqual(["alias/kept"]);
    expect(second.emulator.requestCounts()).toMatchObject({ Decrypt: 3 });
  });

  test("the file carries formatVersion, region and account, is private, and leaves no temp file", async () => {
    const folder = tempFolder();
    const statePath = join(folder, "kms-state.json");
    const { client } = await start({ statePath, region: "eu-west-1", accountId: "123456789012" });
    const key = await createKey(client);
    expect(key.Arn).toBe(`arn:aws:kms:eu-west-1:123456789012:key/${key.KeyId}`);
    const saved = JSON.parse(readFileSync(statePath, "utf8")) as Record<string, unknown>;
    expect(saved).toMatchObject({ formatVersion: 1, region: "eu-west-1", accountId: "123456789012" });
    expect(saved.keys).toHaveLength(1);
    expect(statSync(statePath).mode & 0o777).toBe(0o600);
    expect(readdirSync(folder)).toEqual(["kms-state.json"]);
  });

  test("a temp file left by a crash mid-write changes nothing; the next write replaces it", async () => {
    const statePath = join(tempFolder(), "kms-state.json");
    const first = await start({ statePath });
    const key = await createKey(first.client);
    await stop(first);
    writeFileSync(`${statePath}.tmp`, '{"formatVersion": 1, "keys": [trunc');

    const second = await start({ statePath });
    await second.client.send(new DescribeKeyCommand({ KeyId: key.KeyId }));
    await createKey(second.client);
    expect((JSON.parse(readFileSync(statePath, "utf8")) as { keys: unknown[] }).keys).toHaveLength(2);
  });

  test("a corrupt file or one from another region stops the start with a clear reason", async () => {
    const folder = tempFolder();
    const corrupt = join(folder, "corrupt.json");
    writeFileSync(corrupt, "{ not json");
    await expect(startKmsEmulator({ statePath: corrupt })).rejects.toThrow(/not valid JSON/);

    const other = join(folder, "other.json");
    const { client } = await start({ statePath: other, region: "eu-west-1" });
    await createKey(client);
    await expect(startKmsEmulator({ statePath: other })).rejects.toThrow(/belongs to region eu-west-1/);
    expect(readFileSync(corrupt, "utf8")).toBe("{ not json");

    const damaged = join(folder, "damaged.json");
    writeFileSync(
      damaged,
      JSON.stringify({
        formatVersion: 1,
        region: "us-east-1",
        accountId: "111122223333",
        keys: [{}],
        aliases: [],
      }),
    );
    await expect(startKmsEmulator({ statePath: damaged })).rejects.toThrow(/has a damaged key or alias/);
  });

  test("a key deleted for good stays NotFound after a restart", async () => {
    let clockMs = Date.UTC(2026, 0, 1);
    const statePath = join(tempFolder(), "kms-state.json");
    const first = await start({ statePath, clock: { now: () => clockMs } });
    const key = await createKey(first.client);
    const blob = (await first.client.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8("x") })))
      .CiphertextBlob!;
    await first.client.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    clockMs += 8 * 86_400_000;
    await first.client.send(new DescribeKeyCommand({ KeyId: "alias/none" })).catch(() => undefined);
    await stop(first);
    const second = await start({ statePath, clock: { now: () => clockMs } });
    expect(await failureOf(second.client.send(new DecryptCommand({ CiphertextBlob: blob })))).toMatchObject({
      name: "NotFoundException",
    });
  });
});

describe("in memory", () => {
  test("writes no file anywhere near the working folder", async () => {
    const folder = tempFolder();
    const previous = process.cwd();
    process.chdir(folder);
    try {
      const { emulator, client } = await start({});
      const key = await createKey(client);
      await client.send(new CreateAliasCommand({ AliasName: "alias/memory", TargetKeyId: key.KeyId }));
      await client.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
      emulator.rotate(key.KeyId);
      emulator.reset();
      expect(readdirSync(folder)).toEqual([]);
    } finally {
      process.chdir(previous);
    }
  });

  test("snapshot and restore carry the whole state between emulators", async () => {
    const first = await start({});
    const key = await createKey(first.client);
    const blob = (await first.client.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8("moved") })))
      .CiphertextBlob!;
    const second = await start({});
    second.emulator.restore(first.emulator.snapshot());
    expect(text((await second.client.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext)).toBe(
      "moved",
    );
  });
});
