import type { TRPCError } from "@trpc/server";
import { CofferError } from "@coffer/core/errors";

/**
 * What a failed request's log line and refusal metric say: its code, kind, reason, procedure and
 * request id, never a value. Only unexpected errors add their name and stack, and never their
 * message, which could quote input. Telemetry's allow-list sanitizes every field again.
 */
export function describeFailure({
  error,
  path,
  requestId,
}: {
  error: TRPCError;
  path: string | undefined;
  requestId?: string | undefined;
}) {
  const cause = error.cause;
  const coffer = cause instanceof CofferError ? cause : undefined;
  const unexpected = error.code === "INTERNAL_SERVER_ERROR" && !coffer;
  return {
    requestId,
    procedure: path,
    code: error.code,
    kind: coffer?.kind,
    // A refusal tRPC made itself (input validation, batch size) has no Coffer reason.
    reason: coffer?.reason ?? (error.code === "BAD_REQUEST" && !coffer ? "invalid_input" : undefined),
    error: unexpected ? cause?.name : undefined,
    stack: unexpected ? cause?.stack : undefined,
  };
}
