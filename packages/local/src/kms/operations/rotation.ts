// Rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand,
// ListKeyRotations, and the automatic rotation the control surface triggers. Rotation is synchronous
// and keeps every version forever, so blobs made before it keep decrypting.
import { kmsError } from "../errors";
import { optionalEnum, optionalInteger, readLimit, readMarker, requiredKeyId } from "../input";
import type { KeyStore } from "../key-store";
import { addKeyVersion, keyMaterialId } from "../material";
import {
  DAY_MS,
  type KeyVersion,
  type KmsKey,
  type RotationType,
  type SymmetricMaterial,
  toWireTime,
} from "../model";
import type { RandomSource } from "../random";
import { type Operation, requireEnabled, requireRotatable } from "./context";
import { paginate } from "./paging";

/** KMS allows ten on-demand rotations in a key's lifetime. */
export const MAX_ON_DEMAND_ROTATIONS = 10;

type SymmetricKey = KmsKey & { material: SymmetricMaterial };

function rotatableKey(store: KeyStore, keyId: string): SymmetricKey {
  const key = store.resolveKey(keyId);
  requireRotatable(key, store);
  return key as SymmetricKey;
}

export function rotateKey(
  store: KeyStore,
  random: RandomSource,
  key: KmsKey,
  at: number,
  type: RotationType,
) {
  requireRotatable(key, store);
  const version = addKeyVersion((key as SymmetricKey).material, random, at, type);
  if (type === "ON_DEMAND") key.rotation.onDemandCount += 1;
  if (type === "AUTOMATIC" && key.rotation.enabled)
    key.rotation.nextRotationAt = at + key.rotation.periodDays * DAY_MS;
  store.changed();
  return version;
}

/** Performs the automatic rotations whose NextRotationDate has passed (after advanceClock). */
export function runDueRotations(store: KeyStore, random: RandomSource, now: number): void {
  for (const key of store.listKeys()) {
    const { rotation } = key;
    if (key.state !== "Enabled") continue;
    while (rotation.enabled && rotation.nextRotationAt !== undefined && rotation.nextRotationAt <= now)
      rotateKey(store, random, key, rotation.nextRotationAt, "AUTOMATIC");
  }
}

export const enableKeyRotation: Operation = ({ store, now }, body) => {
  const keyId = requiredKeyId(body);
  const periodDays = optionalInteger(body, "RotationPeriodInDays", { min: 90, max: 2560 }) ?? 365;
  const key = rotatableKey(store, keyId);
  requireEnabled(key, store);
  // Enabling again with the same period keeps the schedule, so a repeated deploy moves nothing.
  if (!key.rotation.enabled || key.rotation.periodDays !== periodDays) {
    key.rotation = {
      ...key.rotation,
      enabled: true,
      periodDays,
      nextRotationAt: now() + periodDays * DAY_MS,
    };
    store.changed();
  }
  return {};
};

export const disableKeyRotation: Operation = ({ store }, body) => {
  const key = rotatableKey(store, requiredKeyId(body));
  requireEnabled(key, store);
  if (key.rotation.enabled) {
    key.rotation.enabled = false;
    delete key.rotation.nextRotationAt;
    store.changed();
  }
  return {};
};

// Works in every key state, like DescribeKey.
export const getKeyRotationStatus: Operation = ({ store }, body) => {
  const key = rotatableKey(store, requiredKeyId(body));
  const { enabled, periodDays, nextRotationAt } = key.rotation;
  return {
    KeyRotationEnabled: enabled,
    KeyId: store.keyArn(key.id),
    ...(enabled ? { RotationPeriodInDays: periodDays } : {}),
    ...(enabled && nextRotationAt !== undefined ? { NextRotationDate: toWireTime(nextRotationAt) } : {}),
  };
};

export const rotateKeyOnDemand: Operation = ({ store, random, now }, body) => {
  const key = rotatableKey(store, requiredKeyId(body));
  requireEnabled(key, store);
  if (key.rotation.onDemandCount >= MAX_ON_DEMAND_ROTATIONS)
    throw kmsError(
      "LimitExceededException",
      `${store.keyArn(key.id)} has reached the limit of ${MAX_ON_DEMAND_ROTATIONS} on-demand rotations.`,
    );
  rotateKey(store, random, key, now(), "ON_DEMAND");
  return { KeyId: store.keyArn(key.id) };
};

export const listKeyRotations: Operation = ({ store }, body) => {
  const keyId = requiredKeyId(body);
  const include = optionalEnum(body, "IncludeKeyMaterial", ["ALL_KEY_MATERIAL", "ROTATIONS_ONLY"]);
  const limit = readLimit(body, 1000, 100);
  const marker = readMarker(body);
  const key = rotatableKey(store, keyId);
  const { versions } = key.material;
  const current = versions.at(-1)?.version;
  const listed =
    include === "ALL_KEY_MATERIAL" ? versions : versions.filter((version) => version.rotationType);
  // Zero-padded so that text order is version order, which the marker relies on.
  const keyOf = (version: KeyVersion) => String(version.version).padStart(10, "0");
  const { items, ...page } = paginate(listed, { listing: `rotations/${key.id}`, limit, marker, keyOf });
  return {
    Rotations: items.map((version) => ({
      KeyId: store.keyArn(key.id),
      KeyMaterialId: keyMaterialId(key.id, version.version),
      KeyMaterialState: version.version === current ? "CURRENT" : "NON_CURRENT",
      ...(version.rotationType
        ? { RotationDate: toWireTime(version.createdAt), RotationType: version.rotationType }
        : {}),
    })),
    ...page,
  };
};
