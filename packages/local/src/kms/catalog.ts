// Creates the key catalog's keys in a KMS (the emulator, in practice) through the SDK, as a deploy
// would: one symmetric key per catalog entry with the entry's rotation, and the RSA seal key, each
// under its per-stage alias. Idempotent: an alias that exists keeps its key, so a second run creates
// nothing and every old ciphertext stays valid.
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
  GetKeyRotationStatusCommand,
  type KeySpec,
  type KMSClient,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import { type CatalogKey, type KeyName, keyCatalog, kmsAliasName, sealKey } from "@coffer/core/config";

export interface ProvisionedKey {
  keyId: string;
  arn: string;
  alias: string;
}

export interface ProvisionedCatalog {
  keys: Record<KeyName, ProvisionedKey>;
  seal: ProvisionedKey;
}

export async function provisionCatalogKeys({
  client,
  stage,
}: {
  client: KMSClient;
  stage: string;
}): Promise<ProvisionedCatalog> {
  const keys: Partial<Record<KeyName, ProvisionedKey>> = {};
  for (const [name, entry] of Object.entries(keyCatalog) as Array<[KeyName, CatalogKey]>) {
    const key = await ensureKey(client, {
      alias: kmsAliasName(stage, entry.name),
      description: entry.description,
      keySpec: entry.keySpec,
    });
    await ensureRotation(client, key.keyId, entry.rotation);
    keys[name] = key;
  }
  const seal = await ensureKey(client, {
    alias: kmsAliasName(stage, sealKey.name),
    description: sealKey.description,
    keySpec: sealKey.keySpec,
  });
  return { keys: keys as Record<KeyName, ProvisionedKey>, seal };
}

interface KeyWanted {
  alias: string;
  description: string;
  keySpec: KeySpec;
}

async function ensureKey(client: KMSClient, wanted: KeyWanted): Promise<ProvisionedKey> {
  const existing = await findAliasedKey(client, wanted);
  if (existing) return existing;
  const created = await client.send(
    new CreateKeyCommand({
      Description: wanted.description,
      KeySpec: wanted.keySpec,
      KeyUsage: "ENCRYPT_DECRYPT",
    }),
  );
  const keyId = created.KeyMetadata?.KeyId;
  const arn = created.KeyMetadata?.Arn;
  if (!keyId || !arn) throw new Error(`CreateKey for ${wanted.alias} answered without a key id.`);
  try {
    await client.send(new CreateAliasCommand({ AliasName: wanted.alias, TargetKeyId: keyId }));
  } catch (error) {
    if ((error as Error).name !== "AlreadyExistsException") throw error;
    // Another run made the alias first: use its key, and retire the one made here for nothing.
    await client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    const winner = await findAliasedKey(client, wanted);
    if (!winner) throw error;
    return winner;
  }
  return { keyId, arn, alias: wanted.alias };
}

async function findAliasedKey(client: KMSClient, wanted: KeyWanted): Promise<ProvisionedKey | undefined> {
  try {
    const { KeyMetadata: metadata } = await client.send(new DescribeKeyCommand({ KeyId: wanted.alias }));
    if (!metadata?.KeyId || !metadata.Arn) return undefined;
    if (metadata.KeySpec !== wanted.keySpec)
      throw new Error(
        `${wanted.alias} names a ${metadata.KeySpec} key, but the catalog wants ${wanted.keySpec}. ` +
          `Point the alias at a ${wanted.keySpec} key, or delete the alias to have one created.`,
      );
    return { keyId: metadata.KeyId, arn: metadata.Arn, alias: wanted.alias };
  } catch (error) {
    if ((error as Error).name === "NotFoundException") return undefined;
    throw error;
  }
}

// Only calls Enable/Disable when the key differs from the catalog, so a rerun changes nothing.
async function ensureRotation(
  client: KMSClient,
  keyId: string,
  rotation: CatalogKey["rotation"],
): Promise<void> {
  const status = await client.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
  if (!rotation.enabled) {
    if (status.KeyRotationEnabled) await client.send(new DisableKeyRotationCommand({ KeyId: keyId }));
    return;
  }
  if (status.KeyRotationEnabled && status.RotationPeriodInDays === rotation.periodDays) return;
  await client.send(
    new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: rotation.periodDays }),
  );
}
