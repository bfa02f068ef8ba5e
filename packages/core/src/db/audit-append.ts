import { CofferError } from "../errors";
import { GENESIS_HASH, hashEvent, type AuditDetails } from "./audit-hash";
import { guard, toDbError } from "./guard";
import type { Db } from "./service";

// The one way an admin change reaches the table: in a single DynamoDB transaction with its audit
// event and the chain head's move, the head conditional on the sequence number read just before.
// If any part fails, nothing is written: an operation that cannot be audited does not happen.

/** Who asked: the token id (never its secret), its namespace when it has one, the request id. */
export interface AuditActor {
  tokenId: string;
  namespace?: string | undefined;
  requestId: string;
}

export interface AuditEventInput {
  chain: string;
  action: string;
  subject: string;
  details: AuditDetails;
  actor: AuditActor;
  at: number;
}

/** The chain's new head, for the function's structured log (DESIGN §7: rollbacks show there). */
export interface AppendedHead {
  chain: string;
  seq: number;
  hash: string;
  requestId: string;
}

type TxEntities = Parameters<Parameters<Db["service"]["transaction"]["write"]>[0]>[0];
/** The change's own transaction items (`entity.patch(...).where(...).commit()`). */
export type ChangeItems = (entities: TxEntities) => readonly unknown[];

const HEAD_RETRIES = 4;

export const keyChain = (keyName: string) => `key:${keyName}`;
export const TOKENS_CHAIN = "tokens";

/**
 * Writes `changes` and the event atomically. A change whose own condition fails throws
 * `changeConflict` (the caller says what that means); a concurrent append to the same chain is
 * retried on the new head a few times; an audit write that still fails throws, and nothing changed.
 */
export async function writeAudited(
  db: Db,
  event: AuditEventInput,
  changes: ChangeItems,
  changeConflict: () => CofferError,
): Promise<AppendedHead> {
  for (let attempt = 0; attempt < HEAD_RETRIES; attempt++) {
    const { data: head } = await guard(
      db.entities.chainHead.get({ chain: event.chain }).go({ consistent: true }),
    );
    const seq = (head?.seq ?? 0) + 1;
    const fields = {
      chain: event.chain,
      seq,
      at: event.at,
      action: event.action,
      actorTokenId: event.actor.tokenId,
      ...(event.actor.namespace !== undefined ? { namespace: event.actor.namespace } : {}),
      requestId: event.actor.requestId,
      subject: event.subject,
      details: event.details,
      prevHash: head?.hash ?? GENESIS_HASH,
    };
    const hash = hashEvent(fields);
    let changeCount = 0;
    const outcome = await db.service.transaction
      .write((entities) => {
        const items = changes(entities);
        changeCount = items.length;
        const moveHead = head
          ? entities.chainHead
              .patch({ chain: event.chain })
              .set({ seq, hash, updatedAt: event.at })
              .where((attr, op) => op.eq(attr.seq, head.seq))
              .commit()
          : entities.chainHead.create({ chain: event.chain, seq, hash, updatedAt: event.at }).commit();
        return [...items, entities.audit.create({ ...fields, hash }).commit(), moveHead] as never;
      })
      .go()
      .catch((error: unknown) => {
        throw toDbError(error);
      });
    if (!outcome.canceled) return { chain: event.chain, seq, hash, requestId: event.actor.requestId };
    const codes = (outcome.data as { rejected: boolean; code: string }[]).map((item) => item.code);
    // The change's own condition failed: the caller says what that means. A change item caught in
    // a TransactionConflict (another transaction on the same item) is tried again like the head.
    if (codes.slice(0, changeCount).includes("ConditionalCheckFailed")) throw changeConflict();
    // The audit item or the head lost a race with another append (or was tampered with): retry on
    // a fresh head, and give up if it keeps failing.
  }
  throw new CofferError(
    "unavailable",
    "The audit trail could not record this operation, so it was not carried out. Retry shortly; if it persists, run admin.audit.verify.",
    { reason: "audit_write_failed" },
  );
}
