// What GET /__coffer/state shows: enough to see which keys, versions and aliases exist, and never a
// byte of key material.
import type { KeyStore } from "./key-store";
import { currentVersion, keyMaterialId } from "./material";
import { toWireTime } from "./model";

export function describeState(store: KeyStore, requestCounts: Record<string, number>, faults: object[]) {
  const aliases = store.listAliases();
  return {
    region: store.region,
    accountId: store.accountId,
    keys: store.listKeys().map((key) => ({
      keyId: key.id,
      arn: store.keyArn(key.id),
      description: key.description,
      keySpec: key.spec,
      keyState: key.state,
      ...(key.deletion ? { deletionDate: toWireTime(key.deletion.at) } : {}),
      aliases: aliases.filter((alias) => alias.targetKeyId === key.id).map((alias) => alias.name),
      ...(key.material.kind === "symmetric"
        ? {
            versions: key.material.versions.length,
            currentKeyMaterialId: keyMaterialId(key.id, currentVersion(key.material).version),
            rotation: key.rotation,
          }
        : {}),
    })),
    aliases: aliases.map((alias) => ({ aliasName: alias.name, targetKeyId: alias.targetKeyId })),
    requestCounts,
    faults,
  };
}
