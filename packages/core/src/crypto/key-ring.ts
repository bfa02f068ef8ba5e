// Which KMS key and which version an envelope uses. Key lifecycle (rotation, min decryption
// version, disabling) implements EnvelopeKeyRing elsewhere; the crypto core only asks.
import { defaultCachePolicy, findCatalogKey, type DataKeyCachePolicy, type EnvelopeMode } from "../config";
import { CofferError } from "../errors";

export interface EnvelopeKey {
  name: string;
  /** Key id, key ARN, alias name or alias ARN of the KMS key behind this version. */
  kmsKeyId: string;
  version: number;
  cache: DataKeyCachePolicy;
  /** The mode new envelopes are made in (the catalog's); decrypt follows the envelope's header. */
  mode: EnvelopeMode;
}

export interface EnvelopeKeyRing {
  /** The key to encrypt under now; throws CofferError("key_unusable") if it cannot be used. */
  encryptionKey(name: string): Promise<EnvelopeKey>;
  /**
   * The hook for key lifecycle: throws CofferError("key_unusable", …, { reason:
   * "key_version_retired" }) when version < the key's min decryption version, unless
   * `allowRetired` (only a rewrap campaign, moving retired records forward, sets it), and
   * { reason: "key_disabled" } when the key is disabled.
   */
  decryptionKey(name: string, version: number, options?: { allowRetired?: boolean }): Promise<EnvelopeKey>;
}

/**
 * Catalog-only ring: every key at version 1 and no minimum, so any version in an envelope is
 * accepted here (KMS still refuses a version the data key was not wrapped for). kmsKeyIds maps
 * key name → KMS key id/ARN/alias; the cache policy comes from the key catalog.
 */
export function createStaticKeyRing(kmsKeyIds: Record<string, string>): EnvelopeKeyRing {
  const lookup = (name: string, version: number): EnvelopeKey => {
    const kmsKeyId = Object.hasOwn(kmsKeyIds, name) ? kmsKeyIds[name] : undefined;
    if (kmsKeyId === undefined) {
      throw new CofferError("not_found", "There is no key with that name. Check the key name.", {
        reason: "key_not_found",
      });
    }
    const entry = findCatalogKey(name);
    return { name, kmsKeyId, version, cache: entry?.cache ?? defaultCachePolicy, mode: entry?.mode ?? "kms" };
  };
  return {
    encryptionKey: async (name) => lookup(name, 1),
    decryptionKey: async (name, version) => lookup(name, version),
  };
}
