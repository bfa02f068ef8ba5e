import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { type Clock, toEpochSeconds } from "../clock";
import type { EnvelopeCrypto } from "../crypto";
import { createOnce, type Db, guard, type RequestLinkItem, writeTransaction } from "../db";
import { CofferError } from "../errors";
import { newId } from "../ids";
import { newRecord } from "../records";
import { type SealedService, storeOpened } from "../sealed";
import { assertKeyAllowed, type Caller, DEFAULT_NAMESPACE } from "../tokens";
import type { CreateRequestInput, ListRequestsInput, RequestLinkInput, SubmitRequestInput } from "./schemas";

export interface RequestDeps {
  db: Db;
  crypto: EnvelopeCrypto;
  clock: Clock;
  sealed: SealedService;
}

// Only the hash of a link secret is stored: the table alone cannot submit to a link, nor rebuild it.
const hashSecret = (secret: string) => createHash("sha256").update(secret).digest();
const NOT_FOUND =
  "This request link does not exist, or it has expired. Ask the sender of the link for a new one.";

type LinkState = "open" | "used_up" | "expired";

/**
 * Request links (DESIGN §5.4): a requester (scope `drop` or `admin`) makes `/r/<id>#<secret>`; a
 * person's browser seals a secret to the service and submits it with the link secret; it lands as
 * a record of the requester's, readable with `decrypt`. The link counts its submissions in the
 * same transaction as the record, so a used-up link stores nothing more.
 */
export function createRequestService({ db, crypto, clock, sealed }: RequestDeps) {
  const now = () => toEpochSeconds(clock.now());
  const stateOf = (link: RequestLinkItem): LinkState =>
    link.expiresAt <= now() ? "expired" : link.submissions >= link.maxSubmissions ? "used_up" : "open";

  async function create(input: CreateRequestInput, caller: Caller) {
    assertKeyAllowed(caller, input.keyName);
    const requestId = newId();
    const secret = randomBytes(32).toString("base64url");
    const createdAt = now();
    const link = {
      requestId,
      ownerTokenId: caller.tokenId,
      ownerNamespace: caller.namespace,
      secretHash: hashSecret(secret).toString("base64url"),
      note: input.note,
      keyName: input.keyName,
      maxSubmissions: input.maxSubmissions,
      createdAt,
      expiresAt: createdAt + input.expiresInSeconds,
    };
    // The link's id and secret hash are random per request: a retried create whose first attempt
    // landed finds its own item and is no conflict.
    const created = await createOnce(db.entities.requestLink, link);
    if (!created)
      throw new CofferError("conflict", "A request link with this id exists already. Create it again.", {
        reason: "request_link_exists",
      });
    // The secret is shown once, here; the link's fragment keeps it out of server logs.
    return {
      requestId,
      secret,
      path: `/r/${requestId}#${secret}`,
      note: link.note,
      keyName: link.keyName,
      maxSubmissions: link.maxSubmissions,
      expiresAt: link.expiresAt,
    };
  }

  const summarize = (link: RequestLinkItem) => ({
    requestId: link.requestId,
    note: link.note,
    keyName: link.keyName,
    state: stateOf(link),
    maxSubmissions: link.maxSubmissions,
    remaining: Math.max(0, link.maxSubmissions - link.submissions),
    recordIds: link.recordIds,
    createdAt: link.createdAt,
    expiresAt: link.expiresAt,
  });

  /** The caller's own links, newest first, with the records their submissions became. */
  async function list(input: ListRequestsInput, caller: Caller) {
    const page = await guard(
      db.entities.requestLink.query
        .byOwner({ ownerTokenId: caller.tokenId })
        .go({ order: "desc", limit: input?.limit ?? 50, cursor: input?.cursor ?? null }),
    ).catch((error: unknown) => {
      if (error instanceof CofferError) throw error;
      throw new CofferError("invalid", "The cursor is not one this service gave out.", {
        reason: "bad_cursor",
      });
    });
    return { requests: page.data.map(summarize), cursor: page.cursor };
  }

  /** The link, if the secret is its own (compared in constant time); else the same NOT_FOUND as no link. */
  async function load({ requestId, secret }: RequestLinkInput): Promise<RequestLinkItem> {
    const { data } = await guard(db.entities.requestLink.get({ requestId }).go({ consistent: true }));
    const presented = hashSecret(secret);
    if (!data || !timingSafeEqual(presented, Buffer.from(data.secretHash, "base64url")))
      throw new CofferError("not_found", NOT_FOUND, { reason: "request_not_found" });
    return data;
  }

  /** What the request page shows: public, with the link secret; never the records. */
  async function get(input: RequestLinkInput) {
    const link = await load(input);
    const { note, state, remaining, expiresAt } = summarize(link);
    return { note, state, remaining, expiresAt };
  }

  function refuseUnlessOpen(state: LinkState): void {
    if (state === "expired")
      throw new CofferError("not_found", "This request link has expired. Ask for a new one.", {
        reason: "request_expired",
      });
    if (state === "used_up")
      throw new CofferError("conflict", "This request link has been used up. Ask for a new one.", {
        reason: "request_used_up",
      });
  }

  async function submit(input: SubmitRequestInput) {
    const link = await load(input);
    refuseUnlessOpen(stateOf(link)); // before any KMS call
    const opened = await sealed.open(input.sealed);
    const record = await storeOpened(opened, () =>
      newRecord(
        { crypto, clock },
        {
          namespace: link.ownerNamespace ?? DEFAULT_NAMESPACE,
          keyName: link.keyName,
          plaintext: opened.plaintext,
          // Not secret (CloudTrail logs it): where the record came from.
          context: { purpose: "request", requestId: link.requestId },
          requestId: link.requestId,
          // Charged to the requester's token, whose record it becomes.
          usedBy: link.ownerTokenId,
        },
      ),
    );
    const at = now();
    const failed = await storeOpened(opened, () =>
      writeTransaction(() =>
        db.service.transaction
          .write(({ record: records, requestLink }) => [
            requestLink
              .patch({ requestId: link.requestId })
              .add({ submissions: 1 })
              .append({ recordIds: [record.recordId] })
              .where(
                (attr, op) =>
                  `${op.lt(attr.submissions, link.maxSubmissions)} AND ${op.gt(attr.expiresAt, at)}`,
              )
              .commit(),
            records.create(record).commit(),
          ])
          .go(),
      ),
    );
    if (failed) {
      await opened.release();
      // The link filled up or expired meanwhile (a concurrent submission took the last place).
      const latest = await load(input);
      refuseUnlessOpen(stateOf(latest));
      throw new CofferError("conflict", "The request link changed meanwhile. Submit again.", {
        reason: "request_changed",
      });
    }
    return { submitted: true as const, remaining: Math.max(0, link.maxSubmissions - link.submissions - 1) };
  }

  return { create, list, get, submit };
}

export type RequestService = ReturnType<typeof createRequestService>;
