// Keys and aliases, and how a KeyId of any form (key id, key ARN, alias name, alias ARN) finds its
// key. Operations change key records in place and call `changed()`, which tells the emulator to
// persist after the request.
import { kmsError } from "./errors";
import type { KmsAlias, KmsKey } from "./model";

export interface KeyStoreOptions {
  region: string;
  accountId: string;
  now(): number;
}

export interface KeyStoreState {
  keys: KmsKey[];
  aliases: KmsAlias[];
  /** Keys that existed and were deleted: a blob naming one is NotFound, not garbage. */
  deletedKeyIds: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ARN = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/;

export function createKeyStore({ region, accountId, now }: KeyStoreOptions) {
  let keys = new Map<string, KmsKey>();
  let aliases = new Map<string, KmsAlias>();
  let deletedKeyIds = new Set<string>();
  let isDirty = false;

  const keyArn = (id: string) => `arn:aws:kms:${region}:${accountId}:key/${id}`;
  const aliasArn = (name: string) => `arn:aws:kms:${region}:${accountId}:${name}`;
  const changed = () => void (isDirty = true);

  function keyById(id: string, shownAs: string): KmsKey {
    if (!UUID.test(id)) throw kmsError("NotFoundException", `Invalid keyId '${shownAs}'`);
    const key = keys.get(id);
    if (!key) throw kmsError("NotFoundException", `Key '${keyArn(id)}' does not exist`);
    return key;
  }

  function keyByAlias(name: string): KmsKey {
    const alias = aliases.get(name);
    const key = alias && keys.get(alias.targetKeyId);
    if (!key) throw kmsError("NotFoundException", `Alias ${aliasArn(name)} is not found.`);
    return key;
  }

  // ARN first, then alias name, then bare key id (spec §2). An ARN for another region or account
  // names a key this emulator cannot have.
  function resolveKey(input: string): KmsKey {
    if (input.startsWith("arn:")) {
      const [, partition, service, arnRegion, arnAccount, resource = ""] = ARN.exec(input) ?? [];
      const isKeyOrAlias = resource.startsWith("key/") || resource.startsWith("alias/");
      if (service !== "kms" || !isKeyOrAlias) throw kmsError("InvalidArnException", `Invalid arn ${input}`);
      if (partition !== "aws" || arnRegion !== region || arnAccount !== accountId)
        throw kmsError("NotFoundException", `Invalid arn ${arnRegion}`);
      return resource.startsWith("alias/") ? keyByAlias(resource) : keyById(resource.slice(4), input);
    }
    if (input.startsWith("alias/")) return keyByAlias(input);
    return keyById(input, input);
  }

  /** The UUID a KeyId of any form names today, or undefined: for fault scoping, which never refuses. */
  function findKeyId(input: string): string | undefined {
    try {
      return resolveKey(input).id;
    } catch {
      return undefined;
    }
  }

  /** Key id or key ARN only, as CreateAlias/UpdateAlias require for their target. */
  function resolveTarget(input: string): KmsKey | undefined {
    const isAlias = input.startsWith("alias/") || /^arn:[^:]*:kms:[^:]*:[^:]*:alias\//.test(input);
    return isAlias ? undefined : resolveKey(input);
  }

  // Keys pending deletion go for good once their DeletionDate passes, with their aliases, as in AWS.
  // Called before every request, so an expired key is never seen.
  function sweepDeletedKeys(): void {
    const time = now();
    for (const key of keys.values()) {
      if (key.state !== "PendingDeletion" || !key.deletion || key.deletion.at > time) continue;
      keys.delete(key.id);
      deletedKeyIds.add(key.id);
      for (const alias of aliases.values()) if (alias.targetKeyId === key.id) aliases.delete(alias.name);
      changed();
    }
  }

  return {
    region,
    accountId,
    keyArn,
    aliasArn,
    resolveKey,
    findKeyId,
    resolveTarget,
    sweepDeletedKeys,
    changed,
    /** True once per batch of changes: the caller persists, then the flag clears. */
    takeChanges(): boolean {
      const was = isDirty;
      isDirty = false;
      return was;
    },
    getKey: (id: string) => keys.get(id),
    wasDeleted: (id: string) => deletedKeyIds.has(id),
    putKey(key: KmsKey) {
      keys.set(key.id, key);
      changed();
    },
    /** Sorted by id, so that list markers stay valid while keys come and go. */
    listKeys: () => [...keys.values()].sort((a, b) => byText(a.id, b.id)),
    getAlias: (name: string) => aliases.get(name),
    putAlias(alias: KmsAlias) {
      aliases.set(alias.name, alias);
      changed();
    },
    deleteAlias(name: string) {
      aliases.delete(name);
      changed();
    },
    listAliases: () => [...aliases.values()].sort((a, b) => byText(a.name, b.name)),
    exportState: (): KeyStoreState => ({
      keys: [...keys.values()],
      aliases: [...aliases.values()],
      deletedKeyIds: [...deletedKeyIds],
    }),
    replaceState(state: KeyStoreState) {
      keys = new Map(state.keys.map((key) => [key.id, key]));
      aliases = new Map(state.aliases.map((alias) => [alias.name, alias]));
      deletedKeyIds = new Set(state.deletedKeyIds);
      changed();
    },
  };
}

export type KeyStore = ReturnType<typeof createKeyStore>;

// Code-unit order, not locale order: markers must sort the same on every machine.
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
