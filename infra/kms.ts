import { catalogKeys, kmsAliasName, sealKey } from "@coffer/core/config";
import { linkNames } from "@coffer/functions/links";
import { keyIdentities, keyRotation } from "./lib/key-identities";
import { componentName, stageSettings } from "./lib/stage";

const settings = stageSettings($app.stage);

// One symmetric key per catalog entry, with KMS's automatic rotation, and one RSA key for sealed
// input. Every key gets the per-stage alias that the local emulator uses too.
// Production keys are retained and protected: Pulumi never deletes them, even when the catalog
// drops or renames an entry (infra/lib/stage.ts). Their key policies are set in infra/api.ts, once
// the function roles exist.
// Name, spec and usage come from the key's identity (infra/lib/key-identities.ts), which a test
// holds against the keys production has (infra/production-keys.json).
const identities = keyIdentities();
function createKey(name: string, args: Omit<aws.kms.KeyArgs, "customerMasterKeySpec" | "keyUsage">) {
  const identity = identities[name]!;
  const key = new aws.kms.Key(
    identity.resource,
    {
      keyUsage: identity.keyUsage,
      customerMasterKeySpec: identity.keySpec,
      deletionWindowInDays: settings.kmsDeletionWindowDays,
      ...args,
    },
    settings.dataResourceOptions,
  );
  new aws.kms.Alias(componentName(name, "Alias"), {
    name: kmsAliasName($app.stage, name),
    targetKeyId: key.keyId,
  });
  return key;
}

const catalog = Object.fromEntries(
  catalogKeys.map((entry) => [
    entry.name,
    createKey(entry.name, {
      description: `${entry.description} (${$app.stage})`,
      ...keyRotation(entry),
    }),
  ]),
);

const seal = createKey(sealKey.name, {
  description: `${sealKey.description} (${$app.stage})`,
});

export const keys = {
  catalog,
  seal,
  /** ARNs grouped as the policy builders take them. */
  arns: {
    data: catalogKeys.filter((entry) => entry.purpose === "data").map((entry) => catalog[entry.name]!.arn),
    bins: catalog.bins!.arn,
    seal: seal.arn,
  },
};

/** Raw Pulumi keys are not linkable; the functions read the ARNs through this link. */
export const keysLink = new sst.Linkable(linkNames.keys, {
  properties: {
    keys: Object.fromEntries(catalogKeys.map((entry) => [entry.name, catalog[entry.name]!.arn])),
    seal: seal.arn,
  },
});
