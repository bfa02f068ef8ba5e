import { type TRPCDefaultErrorShape, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { limits } from "@coffer/core/config";
import { CofferError, type ErrorKind } from "@coffer/core/errors";

// The one place where domain errors become tRPC codes. The table is exhaustive: a new ErrorKind
// without a code does not compile.
const CODE = {
  invalid: "BAD_REQUEST",
  unauthenticated: "UNAUTHORIZED",
  forbidden: "FORBIDDEN",
  not_found: "NOT_FOUND",
  conflict: "CONFLICT",
  key_unusable: "PRECONDITION_FAILED",
  rate_limited: "TOO_MANY_REQUESTS",
  unavailable: "SERVICE_UNAVAILABLE",
} as const satisfies Record<ErrorKind, TRPC_ERROR_CODE_KEY>;

export const UNEXPECTED_MESSAGE = "Unexpected error. Retry; if it persists, report the request id.";

export function toTRPCError(error: TRPCError): TRPCError {
  const cause = error.cause;
  if (cause instanceof CofferError)
    return new TRPCError({ code: CODE[cause.kind], message: cause.message, cause });
  if (error.code !== "INTERNAL_SERVER_ERROR") return error;
  // By default tRPC would send the cause's message, and an AWS SDK message can name ARNs.
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: UNEXPECTED_MESSAGE, cause });
}

export interface InputIssue {
  path: string;
  message: string;
}

/** zod (and any Standard Schema) issues, flattened to "a.b.0" paths a form can point at. */
function inputIssues(cause: unknown): InputIssue[] | undefined {
  const issues = (cause as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return undefined;
  return issues.map((issue: { path?: unknown[]; message?: string }) => ({
    path: (issue.path ?? [])
      .map((part) => String(typeof part === "object" && part ? (part as { key: unknown }).key : part))
      .join("."),
    message: issue.message ?? "Invalid value",
  }));
}

// tRPC's own refusal of a batch over the handler's maxBatchSize, said the way ours are.
const TRPC_BATCH_TOO_LARGE = "Batch call exceeds maximum size";
const tooManyCalls = new CofferError(
  "invalid",
  `One request may carry at most ${limits.maxCallsPerRequest} calls. Split the batch (the client's maxItems).`,
  { reason: "request_too_many_calls", details: { maxCalls: limits.maxCallsPerRequest } },
);

/**
 * What a caller learns of a failure, over tRPC and REST alike: the code, the finer reason, a message
 * that says what to do, and for input errors the fields at fault.
 */
export function describeError(error: TRPCError) {
  const issues = error.code === "BAD_REQUEST" ? inputIssues(error.cause) : undefined;
  const cause =
    error.cause instanceof CofferError
      ? error.cause
      : error.code === "BAD_REQUEST" && error.message === TRPC_BATCH_TOO_LARGE
        ? tooManyCalls
        : undefined;
  const message = issues?.length
    ? `Invalid input at "${issues[0]!.path || "(root)"}": ${issues[0]!.message}`
    : error.code === "INTERNAL_SERVER_ERROR"
      ? UNEXPECTED_MESSAGE
      : (cause?.message ?? error.message);
  return { code: error.code, message, reason: cause?.reason, details: cause?.details, issues };
}

interface FormatInput {
  shape: TRPCDefaultErrorShape;
  error: TRPCError;
}

export function formatError({ shape, error }: FormatInput) {
  const { message, reason, details, issues } = describeError(error);
  return {
    message,
    code: shape.code,
    data: {
      code: shape.data.code,
      httpStatus: shape.data.httpStatus,
      path: shape.data.path,
      reason,
      details,
      issues,
    },
  };
}

/** A batch item's refusal, in the same codes as a whole call's. */
export function toItemError(error: CofferError) {
  return { code: CODE[error.kind], reason: error.reason, message: error.message };
}
