// Reading and checking the audit chains (DESIGN §7). Appending lives in db/audit-append.ts, inside
// the transaction of each change; this service only lists events and walks a chain.
import { type AuditItem, type Db, GENESIS_HASH, guard, hashEvent } from "../db";
import { CofferError } from "../errors";
import type { ListAuditInput, VerifyAuditInput } from "./schemas";

/** Why a link is broken. */
export type BrokenBecause =
  /** The event's content does not match its own hash. */
  | "edited"
  /** A sequence number is skipped, or the chain ends before its head. */
  | "missing"
  /** An intact event sits at the wrong place (its sequence or predecessor hash say so). */
  | "reordered";

export type VerifyResult =
  | { chain: string; ok: true; events: number; headSeq: number; headHash: string }
  | { chain: string; ok: false; events: number; brokenAt: number; because: BrokenBecause; detail: string };

const VERIFY_PAGE = 500;

export function createAuditService({ db }: { db: Db }) {
  const toEvent = (item: AuditItem) => ({
    chain: item.chain,
    seq: item.seq,
    at: item.at,
    action: item.action,
    actorTokenId: item.actorTokenId,
    namespace: item.namespace ?? null,
    requestId: item.requestId,
    subject: item.subject,
    details: item.details as Record<string, unknown>,
    hash: item.hash,
  });

  async function list(input: ListAuditInput) {
    const page = await guard(
      db.entities.audit.query
        .byChain({ chain: input.chain })
        .where((attr, op) =>
          [
            input.fromAt !== undefined ? op.gte(attr.at, input.fromAt) : "",
            input.toAt !== undefined ? op.lte(attr.at, input.toAt) : "",
          ]
            .filter(Boolean)
            .join(" AND "),
        )
        .go({ order: "desc", limit: input.limit ?? 50, cursor: input.cursor ?? null }),
    ).catch((error: unknown) => {
      if (error instanceof CofferError) throw error;
      throw new CofferError("invalid", "The cursor is not one this service gave out.", {
        reason: "bad_cursor",
      });
    });
    return { events: page.data.map(toEvent), cursor: page.cursor };
  }

  /**
   * Walks the chain from its first event and reports the first broken link. Each event is checked
   * against itself (its hash), its place (its sequence number) and its predecessor (prevHash);
   * the last one against the chain head, so a deleted tail shows too.
   */
  async function verify({ chain }: VerifyAuditInput): Promise<VerifyResult> {
    const { data: head } = await guard(db.entities.chainHead.get({ chain }).go({ consistent: true }));
    let expectedSeq = 1;
    let previousHash = GENESIS_HASH;
    let cursor: string | null = null;
    let events = 0;
    const broken = (brokenAt: number, because: BrokenBecause, detail: string): VerifyResult => ({
      chain,
      ok: false,
      events,
      brokenAt,
      because,
      detail,
    });
    // Admin events are few (operations, not traffic), so the chain is read whole first: telling
    // "missing" from "reordered" needs to know whether an out-of-place event exists elsewhere.
    const items: AuditItem[] = [];
    do {
      const page: { data: AuditItem[]; cursor: string | null } = await guard(
        db.entities.audit.query
          .byChain({ chain })
          .go({ order: "asc", limit: VERIFY_PAGE, cursor, consistent: true }),
      );
      items.push(...page.data);
      cursor = page.cursor;
    } while (cursor);
    const present = new Set(items.map((item) => item.seq));
    for (const item of items) {
      events += 1;
      const recomputed = hashEvent({
        chain: item.chain,
        seq: item.seq,
        at: item.at,
        action: item.action,
        actorTokenId: item.actorTokenId,
        namespace: item.namespace,
        requestId: item.requestId,
        subject: item.subject,
        details: item.details as Record<string, string | number | boolean | null>,
        prevHash: item.prevHash,
      });
      if (recomputed !== item.hash || item.chain !== chain)
        return broken(expectedSeq, "edited", `the event at place ${expectedSeq} does not match its hash`);
      if (item.seq > expectedSeq && !present.has(expectedSeq))
        return broken(
          expectedSeq,
          "missing",
          `event ${expectedSeq} is absent; the next present is ${item.seq}`,
        );
      if (item.seq !== expectedSeq || item.prevHash !== previousHash)
        return broken(
          expectedSeq,
          "reordered",
          `the event at place ${expectedSeq} is event ${item.seq}, or follows another event`,
        );
      previousHash = item.hash;
      expectedSeq += 1;
    }
    const headSeq = head?.seq ?? 0;
    if (expectedSeq - 1 < headSeq)
      return broken(
        expectedSeq,
        "missing",
        `the chain ends at ${expectedSeq - 1} but its head says ${headSeq}`,
      );
    if (head && head.hash !== previousHash)
      return broken(headSeq, "edited", "the last event does not match the chain head's hash");
    return { chain, ok: true, events, headSeq, headHash: head?.hash ?? GENESIS_HASH };
  }

  return { list, verify };
}

export type AuditService = ReturnType<typeof createAuditService>;
