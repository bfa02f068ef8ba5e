import { CofferError, type ErrorKind } from "../errors";

// Which failures count as refused requests (DESIGN §7): a caller turned away by authentication,
// authorization, the key lifecycle or a rate limit, or a payload that failed an integrity check.
// Plain input mistakes (BAD_REQUEST from a schema), missing items and outages are not refusals.

/** The namespace of refusals and burns with no token behind them (public and unauthenticated calls). */
export const NO_NAMESPACE = "-";

const REFUSED_KINDS: ReadonlySet<ErrorKind> = new Set([
  "unauthenticated",
  "forbidden",
  "key_unusable",
  "rate_limited",
]);

/** BAD_REQUEST reasons that mean a forged, altered or replayed payload rather than a typo. */
const INTEGRITY_REASONS: ReadonlySet<string> = new Set([
  "context_mismatch",
  "commitment_mismatch",
  "authentication_failed",
  "sealed_replayed",
  "sealed_tampered",
  "sealed_digest_mismatch",
  "sealed_key_invalid",
  "sealed_expired",
  "sealed_from_future",
]);

/** The reason to count `error` under, or undefined when it is not a refusal. */
export function refusalReasonOf(error: unknown): string | undefined {
  if (!(error instanceof CofferError)) return undefined;
  if (REFUSED_KINDS.has(error.kind)) return error.reason ?? error.kind;
  if (error.kind === "invalid" && error.reason !== undefined && INTEGRITY_REASONS.has(error.reason))
    return error.reason;
  return undefined;
}

/** The two ways a bin is burned: its last read taken, or destroyed after too many wrong passphrases. */
export type BinBurnReason = "bin_burned" | "bin_passphrase_limit";
