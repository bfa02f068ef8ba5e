import type { SealedPayload } from "@coffer/sealing/sealed";
import { sealKey } from "../config";
import { type Clock, toEpochSeconds } from "../clock";
import { type Db, guard, isConditionFailure, toDbError } from "../db";
import { type CofferError, isCofferError } from "../errors";
import type { Kms } from "../kms";
import { fingerprintOf, openSealedBytes, SEALED_WINDOW_MS } from "./open";
import { SealedReason, sealedRefusal } from "./refusals";

export interface SealedDeps {
  kms: Kms;
  db: Db;
  clock: Clock;
  /** The RSA seal key (ARN in AWS, alias locally). */
  sealKeyId: string;
}

/** A claimed nonce outlives its payload's window by this much (clock skew between instances). */
const NONCE_SLACK_SECONDS = 60;

/** A payload that passed every check: its plaintext, and the nonce claim still to be written. */
export interface OpenedSealed {
  plaintext: Buffer;
  nonceClaim: { nonce: string; claimedAt: number; expiresAt: number };
}

/**
 * Opens sealed input (DESIGN §5), cheapest check first: format, key fingerprint, timestamp window,
 * a read of the nonce (a replay after the first is refused without spending the RSA quota), KMS
 * Decrypt on the RSA key, AES-GCM, digest. Nothing is written by `open`: the nonce is claimed by
 * the caller's one write after every check passed (`claim` alone, or in the same transaction as
 * the record), and that conditional write is what lets exactly one of concurrent replays through.
 */
export function createSealedService({ kms, db, clock, sealKeyId }: SealedDeps) {
  // An RSA key in KMS never rotates: a new seal key is a new deployment, so once per instance is enough.
  let publicKeyOnce: Promise<{ spki: Buffer; keyArn: string; fingerprint: Buffer }> | undefined;
  function sealPublicKey() {
    publicKeyOnce ??= kms.getPublicKey(sealKeyId).then(
      ({ spki, keyArn }) => ({ spki, keyArn, fingerprint: fingerprintOf(spki) }),
      (error: unknown) => {
        publicKeyOnce = undefined; // a failure is not cached
        throw error;
      },
    );
    return publicKeyOnce;
  }

  async function publicKey() {
    const { spki, keyArn, fingerprint } = await sealPublicKey();
    const lines = spki.toString("base64").match(/.{1,64}/g) ?? [];
    return {
      keyId: keyArn,
      algorithm: sealKey.encryptionAlgorithm,
      spki: spki.toString("base64url"),
      pem: `-----BEGIN PUBLIC KEY-----\n${lines.join("\n")}\n-----END PUBLIC KEY-----\n`,
      fingerprint: fingerprint.toString("base64url"),
      format: "coffer-sealed-v1",
    };
  }

  async function unwrap(wrappedKey: Uint8Array): Promise<Buffer> {
    try {
      return await kms.decryptRsa({ keyId: sealKeyId, wrapped: wrappedKey });
    } catch (error) {
      // KMS answers InvalidCiphertextException (mapped to "invalid") for anything it cannot open;
      // throttling ("rate_limited") and outages ("unavailable") pass through as they are.
      if (isCofferError(error, "invalid")) throw sealedRefusal(SealedReason.keyInvalid, error);
      throw error;
    }
  }

  /** A nonce seen before is refused here, before the RSA call; the claim below decides races. */
  async function refuseSeenNonce(payload: SealedPayload): Promise<void> {
    const nonce = Buffer.from(payload.nonce).toString("base64url");
    const { data: seen } = await guard(db.entities.nonce.get({ nonce }).go({ consistent: true }));
    if (seen) throw sealedRefusal(SealedReason.replayed);
  }

  async function open(bytes: Uint8Array): Promise<OpenedSealed> {
    const { fingerprint } = await sealPublicKey();
    const { payload, plaintext } = await openSealedBytes(bytes, {
      fingerprint,
      nowMs: clock.now(),
      beforeUnwrap: refuseSeenNonce,
      unwrap,
    });
    return {
      plaintext,
      nonceClaim: {
        nonce: Buffer.from(payload.nonce).toString("base64url"),
        claimedAt: toEpochSeconds(clock.now()),
        expiresAt: toEpochSeconds(payload.timestampMs + SEALED_WINDOW_MS) + NONCE_SLACK_SECONDS,
      },
    };
  }

  /** The claim as the only write (crypto.openSealed): the plaintext is returned only if it wins. */
  async function claim(opened: OpenedSealed): Promise<void> {
    try {
      await db.entities.nonce.create(opened.nonceClaim).go();
    } catch (error) {
      if (isConditionFailure(error)) throw sealedRefusal(SealedReason.replayed);
      throw toDbError(error);
    }
  }

  async function openOnce(bytes: Uint8Array) {
    const opened = await open(bytes);
    await claim(opened);
    return { plaintext: opened.plaintext.toString("base64url") };
  }

  return { publicKey, open, claim, openOnce };
}

export type SealedService = ReturnType<typeof createSealedService>;

/** For callers that claim the nonce inside their own transaction: a cancelled claim is a replay. */
export const replayed = (): CofferError => sealedRefusal(SealedReason.replayed);
