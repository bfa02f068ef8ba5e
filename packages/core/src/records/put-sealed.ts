import type { Clock } from "../clock";
import type { EnvelopeCrypto } from "../crypto";
import type { Db } from "../db";
import { type SealedService, storeOpened } from "../sealed";
import { assertKeyAllowed, type Caller } from "../tokens";
import { assertExpiryAhead, newRecord, storeNewRecord } from "./new-record";
import type { PutSealedInput } from "./schemas";

export interface SealedDropDeps {
  db: Db;
  crypto: EnvelopeCrypto;
  clock: Clock;
  sealed: SealedService;
}

/**
 * records.putSealed, the drop box: a sealed payload is opened (every check of DESIGN §5), then
 * re-encrypted under a named key and stored. A payload refused by any check, or whose record
 * cannot be written, leaves nothing behind (its nonce claim is released).
 */
export function createSealedDropService({ db, crypto, clock, sealed }: SealedDropDeps) {
  async function put(input: PutSealedInput, caller: Caller) {
    assertKeyAllowed(caller, input.keyName);
    assertExpiryAhead(input.expiresAt, clock);
    const opened = await sealed.open(input.sealed);
    const record = await storeOpened(opened, () =>
      newRecord(
        { crypto, clock },
        {
          ...input,
          namespace: caller.namespace,
          plaintext: opened.plaintext,
          context: input.context ?? {},
          usedBy: caller.tokenId,
        },
      ),
    );
    await storeOpened(opened, () => storeNewRecord(db, record));
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
