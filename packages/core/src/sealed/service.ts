import { randomBytes } from "node:crypto";
import type { SealedPayload } from "@coffer/sealing/sealed";
import { sealKey } from "../config";
import { type Clock, toEpochSeconds } from "../clock";
import { createOnce, type Db, guard } from "../db";
import { isCofferError } from "../errors";
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

/** A payload that passed every check, its nonce claimed. */
export interface OpenedSealed {
  plaintext: Buffer;
  /** Gives the nonce back, for a caller whose own write then failed: the payload stored nothing. */
  release(): Promise<void>;
}

/**
 * Opens sealed input (DESIGN §5), cheapest check first: format, key fingerprint, timestamp window,
 * the nonce, KMS Decrypt on the RSA key, AES-GCM, digest.
 *
 * The nonce check is a conditional put of a Nonce item (the claim): the one atomic way to ask "never
 * seen before?", so of any number of concurrent replays exactly one gets past it, and only that one
 * spends an RSA request (KMS allows 1,000 a second per account and region). A claim whose payload
 * then fails a later check is deleted again, so a refused payload leaves nothing in the table; the
 * caller releases it too if its own write fails. The price: while a forged payload that reuses a
 * genuine one's nonce holds the claim (milliseconds), the genuine one is refused as a replay; whoever
 * can forge it could as well drop the genuine one in transit.
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

  /** The claim: a conditional create; `claimId` makes sure a release deletes only its own claim. */
  async function claimNonce(payload: SealedPayload) {
    const claim = {
      nonce: Buffer.from(payload.nonce).toString("base64url"),
      claimId: randomBytes(12).toString("base64url"),
      claimedAt: toEpochSeconds(clock.now()),
      expiresAt: toEpochSeconds(payload.timestampMs + SEALED_WINDOW_MS) + NONCE_SLACK_SECONDS,
    };
    // A claim is idempotent for its own request only. Its claimId is random per request, so the
    // SDK's retry of this very put (its first answer lost) finds its own claim and goes on, while
    // any other request carrying the nonce (a replay, even of the same bytes) meets another
    // claimId and is refused: a nonce is never accepted for two requests.
    const claimed = await createOnce(db.entities.nonce, claim);
    if (!claimed) throw sealedRefusal(SealedReason.replayed);
    return async () => {
      await guard(
        db.entities.nonce
          .delete({ nonce: claim.nonce })
          .where((attr, op) => op.eq(attr.claimId, claim.claimId))
          .go(),
      ).catch(() => {
        // Gone already, or the table is down: a claim left behind only refuses a replay of a
        // payload that was refused anyway, and its TTL removes it.
      });
    };
  }

  async function open(bytes: Uint8Array): Promise<OpenedSealed> {
    const { fingerprint } = await sealPublicKey();
    let release: (() => Promise<void>) | undefined;
    try {
      const { plaintext } = await openSealedBytes(bytes, {
        fingerprint,
        nowMs: clock.now(),
        beforeUnwrap: async (payload) => void (release = await claimNonce(payload)),
        unwrap,
      });
      return { plaintext, release: release! };
    } catch (error) {
      await release?.();
      throw error;
    }
  }

  /** crypto.openSealed: the claim is the only write. */
  async function openOnce(bytes: Uint8Array) {
    const { plaintext } = await open(bytes);
    return { plaintext: plaintext.toString("base64url") };
  }

  return { publicKey, open, openOnce };
}

export type SealedService = ReturnType<typeof createSealedService>;

/**
 * Runs the caller's write for an opened payload; if it fails, the nonce is released, so the payload
 * stored nothing and may be sent again.
 */
export async function storeOpened<T>(opened: OpenedSealed, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    await opened.release();
    throw error;
  }
}
