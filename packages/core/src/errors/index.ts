// Core speaks in domain errors; only the functions package turns them into tRPC codes.

export type ErrorKind =
  | "invalid"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "key_unusable"
  | "rate_limited"
  | "unavailable";

export interface CofferErrorOptions {
  /** A stable machine-readable sub-code, e.g. "envelope_truncated". Safe to send to clients. */
  reason?: string;
  /** Structured, non-secret details for the client (e.g. which dependency is down). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * A failure the caller can act on. The message is sent to clients as is, so it must say what to
 * do and must never contain a secret, a key ARN or user input.
 */
export class CofferError extends Error {
  override readonly name = "CofferError";
  readonly reason: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: CofferErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = options.reason;
    this.details = options.details;
  }
}

export function isCofferError(error: unknown, kind?: ErrorKind): error is CofferError {
  return error instanceof CofferError && (kind === undefined || error.kind === kind);
}
