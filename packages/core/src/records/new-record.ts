import { type Clock, toEpochSeconds } from "../clock";
import type { EncryptionContext } from "../kms";
import type { EnvelopeCrypto } from "../crypto";
import { createOnce, type Db } from "../db";
import { CofferError } from "../errors";
import { newId } from "../ids";

// What every way of storing a record shares (records.put, records.putSealed, a request link's
// submission): the plaintext is encrypted before anything is written, and the item is returned for
// the caller's one conditional write or transaction.

export function assertExpiryAhead(expiresAt: number | undefined, clock: Clock): void {
  if (expiresAt !== undefined && expiresAt <= toEpochSeconds(clock.now())) {
    throw new CofferError("invalid", "expiresAt must lie in the future (epoch seconds).", {
      reason: "expiry_in_past",
    });
  }
}

export async function newRecord(
  { crypto, clock }: { crypto: EnvelopeCrypto; clock: Clock },
  input: {
    /** The namespace of the token it is stored for (records.ts: part of the record's key). */
    namespace: string;
    keyName: string;
    plaintext: Buffer;
    context: EncryptionContext;
    expiresAt?: number | undefined;
    requestId?: string;
    /** The token whose usage this encrypt counts as (usage counters). */
    usedBy?: string;
  },
) {
  const envelope = await crypto.encrypt({
    keyName: input.keyName,
    plaintext: input.plaintext,
    context: input.context,
    usedBy: input.usedBy,
  });
  return {
    namespace: input.namespace,
    recordId: newId(),
    keyName: input.keyName,
    envelope,
    sizeBytes: input.plaintext.length,
    createdAt: toEpochSeconds(clock.now()),
    ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
    ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
  };
}

export type NewRecord = Awaited<ReturnType<typeof newRecord>>;

/**
 * A new record's one conditional write (without an idempotency key). A retried write whose first
 * attempt landed is not a conflict: the envelope (a random IV, and a data key and salt of its own)
 * is a value only this write could have produced. Another record under the same 128-bit random id
 * is still refused.
 */
export async function storeNewRecord(db: Db, record: NewRecord): Promise<void> {
  if (!(await createOnce(db.entities.record, record)))
    throw new CofferError("conflict", "A record with this id exists already. Put it again.", {
      reason: "record_exists",
    });
}
