import type { Clock } from "../clock";
import type { EnvelopeCrypto } from "../crypto";
import { type Db, writeTransaction } from "../db";
import { replayed, type SealedService } from "../sealed";
import { assertKeyAllowed, type Caller } from "../tokens";
import { assertExpiryAhead, newRecord } from "./new-record";
import type { PutSealedInput } from "./schemas";

export interface SealedDropDeps {
  db: Db;
  crypto: EnvelopeCrypto;
  clock: Clock;
  sealed: SealedService;
}

/**
 * records.putSealed, the drop box: a sealed payload is opened (every check of DESIGN §5), then
 * re-encrypted under a named key and stored. The nonce claim and the record are one transaction, so
 * a replay stores nothing and a failed check has stored nothing either.
 */
export function createSealedDropService({ db, crypto, clock, sealed }: SealedDropDeps) {
  async function put(input: PutSealedInput, caller: Caller) {
    assertKeyAllowed(caller, input.keyName);
    assertExpiryAhead(input.expiresAt, clock);
    const opened = await sealed.open(input.sealed);
    const record = await newRecord(
      { crypto, clock },
      { ...input, plaintext: opened.plaintext, context: input.context ?? {} },
    );
    const failed = await writeTransaction(() =>
      db.service.transaction
        .write(({ record: records, nonce }) => [
          nonce.create(opened.nonceClaim).commit(),
          records.create(record).commit(),
        ])
        .go(),
    );
    // The record id is fresh and random: only the nonce can have been taken.
    if (failed) throw replayed();
    return {
      recordId: record.recordId,
      keyName: record.keyName,
      createdAt: record.createdAt,
      expiresAt: record.expiresAt ?? null,
    };
  }
  return { put };
}

export type SealedDropService = ReturnType<typeof createSealedDropService>;
