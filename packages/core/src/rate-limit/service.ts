import { createHmac } from "node:crypto";
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
// The table never holds an IP address: the counter's key is an HMAC of the IP, the action and the
// window under a secret pepper. A plain hash would not do, as anyone who reads the table could try
// all 2^32 IPv4 addresses; without the pepper (which only KMS unwraps) they cannot. The window in
// the HMAC also keeps one address's counters in different windows from being joined.
function hashSubject(pepper: Uint8Array, action: string, subject: string, windowStart: number): string {
  return createHmac("sha256", pepper)
    .update(`coffer/rate-limit/v1\0${action}\0${windowStart}\0${subject}`)
    .digest("base64url");
}

export interface RateLimiterDeps {
  db: Db;
  clock: Clock;
  /** The same secret for every instance of a stage, or their counts would not add up. */
  pepper: () => Promise<Uint8Array>;
}

export function createRateLimiter({ db, clock, pepper }: RateLimiterDeps) {
  /** Counts one request of `subject` (a source IP) for `action`; throws "rate_limited" past the rule's max. */
  async function consume(action: string, subject: string, rule: RateLimitRule): Promise<void> {
    const now = toEpochSeconds(clock.now());
    const windowStart = now - (now % rule.windowSeconds);
    const subjectHash = hashSubject(await pepper(), action, subject, windowStart);
    const { data } = await guard(
      db.entities.rateLimit
        .update({ action, subjectHash, windowStart })
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
