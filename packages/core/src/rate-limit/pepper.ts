import { type Clock, toEpochSeconds } from "../clock";
import { createOnce, type Db, guard } from "../db";
import type { EncryptionContext, Kms } from "../kms";

export interface StoredPepperDeps {
  db: Db;
  kms: Kms;
  clock: Clock;
  /** The KMS key that wraps the pepper. */
  keyId: string;
  /** Which pepper: one item per name. */
  name: string;
  /** The context KMS binds the wrapped pepper to; it must not be one any caller can ask KMS to open. */
  context: EncryptionContext;
}

/**
 * A 256-bit secret shared by every instance of a stage, kept in the table only as a KMS blob. The
 * first instance to need it makes it with GenerateDataKey and a conditional create; one that loses
 * that race unwraps the winner's, so all instances always agree on one pepper. Each instance asks
 * KMS once and keeps the answer; a failure is not kept, so the next request tries again.
 */
export function createStoredPepper({ db, kms, clock, keyId, name, context }: StoredPepperDeps) {
  let pepper: Promise<Buffer> | undefined;

  async function unwrapStored(): Promise<Buffer | undefined> {
    const { data } = await guard(db.entities.pepper.get({ name }).go({ consistent: true }));
    return data
      ? kms.decrypt({ wrapped: Buffer.from(data.wrapped, "base64url"), context, keyId })
      : undefined;
  }

  async function makeOrAdopt(): Promise<Buffer> {
    const stored = await unwrapStored();
    if (stored) return stored;
    const fresh = await kms.generateDataKey({ keyId, context, bits: 256 });
    let won = false;
    try {
      const item = {
        name,
        wrapped: fresh.wrapped.toString("base64url"),
        createdAt: toEpochSeconds(clock.now()),
      };
      // A retried create whose first attempt landed finds its own wrapped key (KMS's ciphertext is
      // random per call), so it keeps the plaintext rather than unwrapping it again.
      won = await createOnce(db.entities.pepper, item);
    } finally {
      if (!won) fresh.plaintext.fill(0);
    }
    return won ? fresh.plaintext : (await unwrapStored())!;
  }

  return (): Promise<Buffer> =>
    (pepper ??= makeOrAdopt().catch((error: unknown) => {
      pepper = undefined;
      throw error;
    }));
}
