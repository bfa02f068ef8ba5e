import { type CatalogKey, catalogKeys, sealKey } from "@coffer/core/config";
import { componentName } from "./stage";

// What makes a KMS key the same key to Pulumi: its resource name (from the catalog entry's name),
// its key spec and its key usage. Changing any of them makes Pulumi replace the key, which in
// production would strand every ciphertext under the old one (it is retained, but no longer
// linked, aliased or granted). infra/kms.ts creates keys from these identities, and
// key-identities.test.ts compares them with infra/production-keys.json, the keys production holds.

export interface KeyIdentity {
  /** The Pulumi resource name of the aws.kms.Key. */
  resource: string;
  keySpec: string;
  keyUsage: "ENCRYPT_DECRYPT";
}

/** Every KMS key infra creates, by catalog name (and the seal key). */
export function keyIdentities(): Record<string, KeyIdentity> {
  const identity = (name: string, keySpec: string): KeyIdentity => ({
    resource: componentName(name, "Key"),
    keySpec,
    keyUsage: "ENCRYPT_DECRYPT",
  });
  return Object.fromEntries([
    ...catalogKeys.map((entry) => [entry.name, identity(entry.name, entry.keySpec)] as const),
    [sealKey.name, identity(sealKey.name, sealKey.keySpec)] as const,
  ]);
}

const HOW_TO_MIGRATE =
  "A production key cannot be renamed, removed or given another spec in place: Pulumi would replace " +
  "it, and every ciphertext under it would become unreadable through Coffer. Keep the entry as it " +
  "is; to move data, add a new catalog entry (a new name) and rewrap onto it (admin.keys.rewrap), " +
  "and drop the old entry only when no ciphertext uses it, updating infra/production-keys.json " +
  "in the same change.";

/** The changes that would replace or drop a production key, each as a sentence; empty when safe. */
export function productionKeyChanges(
  production: Record<string, KeyIdentity>,
  current: Record<string, KeyIdentity>,
): string[] {
  const problems: string[] = [];
  for (const [name, held] of Object.entries(production)) {
    const now = current[name];
    if (!now) {
      problems.push(`Production key "${name}" is no longer in the catalog. ${HOW_TO_MIGRATE}`);
      continue;
    }
    for (const field of ["resource", "keySpec", "keyUsage"] as const)
      if (now[field] !== held[field])
        problems.push(
          `Production key "${name}" would change its ${field} from ${held[field]} to ${now[field]}. ${HOW_TO_MIGRATE}`,
        );
  }
  return problems;
}

/** KMS rotates symmetric keys automatically every 90 to 2560 days; asymmetric keys not at all. */
export const KMS_ROTATION_PERIOD_DAYS = { min: 90, max: 2560 } as const;

/** The rotation arguments of a catalog key's aws.kms.Key (the seal key, RSA, gets none). */
export function keyRotation(entry: Pick<CatalogKey, "rotation">): {
  enableKeyRotation: boolean;
  rotationPeriodInDays: number | undefined;
} {
  const { enabled, periodDays } = entry.rotation;
  if (enabled && (periodDays < KMS_ROTATION_PERIOD_DAYS.min || periodDays > KMS_ROTATION_PERIOD_DAYS.max))
    throw new Error(
      `A rotation period of ${periodDays} days is outside what KMS allows (${KMS_ROTATION_PERIOD_DAYS.min}..${KMS_ROTATION_PERIOD_DAYS.max}).`,
    );
  return { enableKeyRotation: enabled, rotationPeriodInDays: enabled ? periodDays : undefined };
}
