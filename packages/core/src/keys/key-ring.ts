// The key ring backed by the table: which version to encrypt under, which versions still decrypt,
// and whether the key may be used at all, read from the Key items. Each instance trusts what it
// read for `stalenessMs` (1 s by default, as for tokens): a disable, a rotation or a new minimum
// reaches every warm instance within that bound. The crypto core asks the ring on every request,
// before either key cache is consulted, so a cached data key or unwrapped key is never used for a
// disabled key or a retired version once the bound has passed (checked at use, not only at fill).
import type { Clock } from "../clock";
import { defaultCachePolicy, findCatalogKey } from "../config";
import type { EnvelopeKey, EnvelopeKeyRing } from "../crypto";
import { type Db, guard, type KeyItem } from "../db";
import { CofferError } from "../errors";

export const DEFAULT_RING_STALENESS_MS = 1_000;

/** What the ring needs of a Key item; a key without an item is at version 1, enabled. */
export interface KeyLifecycleState {
  state: KeyItem["state"];
  currentVersion: number;
  minDecryptionVersion: number;
}

export const initialKeyState: KeyLifecycleState = {
  state: "enabled",
  currentVersion: 1,
  minDecryptionVersion: 1,
};

export interface TableKeyRing extends EnvelopeKeyRing {
  /** Forgets this instance's copy (the instance that made a change sees it at once). */
  invalidate(name: string): void;
  readonly stalenessMs: number;
}

export function keyDisabled(): CofferError {
  return new CofferError("key_unusable", "This key is disabled. Ask an administrator to enable it.", {
    reason: "key_disabled",
  });
}

export function versionRetired(minDecryptionVersion: number): CofferError {
  return new CofferError(
    "key_unusable",
    `This envelope's key version is retired (the key decrypts version ${minDecryptionVersion} and later). Ask an administrator to rewrap the stored data, or to lower the minimum.`,
    { reason: "key_version_retired", details: { minDecryptionVersion } },
  );
}

export function createTableKeyRing({
  db,
  clock,
  kmsKeyIds,
  stalenessMs = DEFAULT_RING_STALENESS_MS,
}: {
  db: Db;
  clock: Clock;
  /** Catalog key name → KMS key id/ARN/alias, for the keys this ring serves. */
  kmsKeyIds: Record<string, string>;
  stalenessMs?: number;
}): TableKeyRing {
  const read = new Map<string, { state: Promise<KeyLifecycleState>; readAtMs: number }>();

  function stateOf(name: string): Promise<KeyLifecycleState> {
    const nowMs = clock.now();
    const cached = read.get(name);
    // A read still in flight is shared; its age counts from when it started, so it is never older
    // than the bound when used.
    if (cached && nowMs - cached.readAtMs < stalenessMs) return cached.state;
    const state = guard(db.entities.key.get({ keyName: name }).go({ consistent: true })).then(({ data }) =>
      data ? lifecycleOf(data) : initialKeyState,
    );
    const entry = { state, readAtMs: nowMs };
    read.set(name, entry);
    state.catch(() => {
      if (read.get(name) === entry) read.delete(name);
    });
    return state;
  }

  function kmsKeyIdOf(name: string): string {
    const kmsKeyId = Object.hasOwn(kmsKeyIds, name) ? kmsKeyIds[name] : undefined;
    if (kmsKeyId === undefined) {
      throw new CofferError("not_found", "There is no key with that name. Check the key name.", {
        reason: "key_not_found",
      });
    }
    return kmsKeyId;
  }

  const keyAt = (name: string, kmsKeyId: string, version: number): EnvelopeKey => ({
    name,
    kmsKeyId,
    version,
    cache: findCatalogKey(name)?.cache ?? defaultCachePolicy,
    // The catalog's mode for new envelopes; decrypt follows each envelope's header.
    mode: findCatalogKey(name)?.mode ?? "kms",
  });

  return {
    stalenessMs,
    invalidate: (name) => void read.delete(name),
    async encryptionKey(name) {
      const kmsKeyId = kmsKeyIdOf(name);
      const state = await stateOf(name);
      if (state.state !== "enabled") throw keyDisabled();
      return keyAt(name, kmsKeyId, state.currentVersion);
    },
    async decryptionKey(name, version, options) {
      const kmsKeyId = kmsKeyIdOf(name);
      const state = await stateOf(name);
      if (state.state !== "enabled") throw keyDisabled();
      if (version < state.minDecryptionVersion && !options?.allowRetired)
        throw versionRetired(state.minDecryptionVersion);
      // A version above the current one is accepted: another instance may have seen a rotation
      // that this one has not yet. KMS still binds the version through the context.
      return keyAt(name, kmsKeyId, version);
    },
  };
}

export function lifecycleOf(item: KeyItem): KeyLifecycleState {
  return {
    state: item.state,
    currentVersion: item.currentVersion,
    minDecryptionVersion: item.minDecryptionVersion,
  };
}
