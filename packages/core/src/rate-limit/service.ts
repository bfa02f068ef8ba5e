import { createHash } from "node:crypto";
import { type Clock, toEpochSeconds } from "../clock";
import { type Db, guard } from "../db";
import { CofferError } from "../errors";

export interface RateLimitRule {
  max: number;
  windowSeconds: number;
}

// A fixed-window counter in DynamoDB: Lambda instances share nothing else, and an atomic ADD
// counts every request exactly once however many instances serve them.
//
// The IP is hashed with the action and the window, so the table holds no address and two windows'
// items cannot be joined by their keys. An IPv4 hash can still be reversed by trying all 2^32
// addresses; a secret pepper would close that, and is left for when the stack has a secret store.
function hashSubject(action: string, subject: string, windowStart: number): string {
  return createHash("sha256")
    .update(`coffer/rate-limit/v1\0${action}\0${windowStart}\0${subject}`)
    .digest("base64url");
}

export function createRateLimiter({ db, clock }: { db: Db; clock: Clock }) {
  /** Counts one request of `subject` (a source IP) for `action`; throws "rate_limited" past the rule's max. */
  async function consume(action: string, subject: string, rule: RateLimitRule): Promise<void> {
    const now = toEpochSeconds(clock.now());
    const windowStart = now - (now % rule.windowSeconds);
    const { data } = await guard(
      db.entities.rateLimit
        .update({ action, subjectHash: hashSubject(action, subject, windowStart), windowStart })
        .add({ count: 1 })
        .set({ expiresAt: windowStart + 2 * rule.windowSeconds })
        .go({ response: "updated_new" }),
    );
    if ((data.count ?? 0) > rule.max) {
      const retryAfterSeconds = windowStart + rule.windowSeconds - now;
      throw new CofferError(
        "rate_limited",
        `Too many requests from your network. Wait ${retryAfterSeconds} seconds, then try again.`,
        {
          reason: "rate_limited",
          details: { retryAfterSeconds },
        },
      );
    }
  }
  return { consume };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
