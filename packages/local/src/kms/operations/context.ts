// What every operation gets, and the rules about key state and type that several of them share.
import { kmsError } from "../errors";
import type { RequestBody } from "../input";
import type { KeyStore } from "../key-store";
import type { KmsKey, RsaKeySpec, RsaMaterial } from "../model";
import type { RandomSource } from "../random";

export interface OperationContext {
  store: KeyStore;
  random: RandomSource;
  /** Epoch milliseconds on the emulator's clock (the injected clock plus advanceClock). */
  now(): number;
  /** A key pair for an RSA CreateKey. */
  rsaMaterial(spec: RsaKeySpec): Promise<RsaMaterial>;
}

/** Returns the JSON response body. Throws KmsError for every refusal. */
export type Operation = (context: OperationContext, body: RequestBody) => object | Promise<object>;

/** Crypto and key-material operations need an Enabled key (spec §2). */
export function requireEnabled(key: KmsKey, store: KeyStore): void {
  const arn = store.keyArn(key.id);
  if (key.state === "Disabled") throw kmsError("DisabledException", `${arn} is disabled.`);
  if (key.state === "PendingDeletion")
    throw kmsError("KMSInvalidStateException", `${arn} is pending deletion.`);
}

/** Enable/Disable, CreateAlias and friends work on any key that is not on its way out. */
export function requireNotPendingDeletion(key: KmsKey, store: KeyStore): void {
  if (key.state === "PendingDeletion")
    throw kmsError("KMSInvalidStateException", `${store.keyArn(key.id)} is pending deletion.`);
}

/** Rotation exists only for symmetric keys; on RSA keys KMS calls it unsupported. */
export function requireRotatable(key: KmsKey, store: KeyStore): void {
  if (key.material.kind !== "symmetric")
    throw kmsError(
      "UnsupportedOperationException",
      `${store.keyArn(key.id)} key type is not supported for key rotation. Rotation works on symmetric encryption keys only.`,
    );
}
