import { TRPCClientError } from "@trpc/client";
import { SealingError } from "@coffer/sealing/errors";
import { TransferError } from "@coffer/client";

// Exit codes tell a script what kind of failure happened, without parsing messages. The table is
// printed by `coffer --help` and in README; each class maps the service's error codes onto one
// number, so a new refusal reason of the API needs no change here.

export const exitCodes = {
  ok: 0,
  /** A bug, or a failure the service did not explain (INTERNAL_SERVER_ERROR). */
  unexpected: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  refused: 5,
  unavailable: 6,
} as const;
export type ExitClass = keyof typeof exitCodes;

export const exitCodeTable = `Exit codes:
  0  done
  1  unexpected error (a bug, or a failure the service did not explain)
  2  usage: unknown command or option, a bad value, input the service refuses
     (BAD_REQUEST, PAYLOAD_TOO_LARGE)
  3  auth: no token, an unsafe profile file, a wrong, revoked or expired token, a missing scope or
     key, a wrong passphrase (UNAUTHORIZED, FORBIDDEN)
  4  not found: no such record, bin (or it is gone), token, campaign or key (NOT_FOUND)
  5  refused: not possible in the current state: a conflict, a disabled key or a version below its
     minimum, damaged or truncated ciphertext, a broken audit chain (CONFLICT, PRECONDITION_FAILED)
  6  unavailable: Coffer, KMS or DynamoDB cannot be reached, or too many requests: retry later
     (SERVICE_UNAVAILABLE, TOO_MANY_REQUESTS, network errors)`;

/** A failure the CLI itself detects, with the class that decides its exit code. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    readonly exitClass: ExitClass,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

const byTrpcCode: Record<string, ExitClass> = {
  BAD_REQUEST: "usage",
  PAYLOAD_TOO_LARGE: "usage",
  PARSE_ERROR: "usage",
  UNAUTHORIZED: "auth",
  FORBIDDEN: "auth",
  NOT_FOUND: "notFound",
  CONFLICT: "refused",
  PRECONDITION_FAILED: "refused",
  TOO_MANY_REQUESTS: "unavailable",
  SERVICE_UNAVAILABLE: "unavailable",
  GATEWAY_TIMEOUT: "unavailable",
  BAD_GATEWAY: "unavailable",
  TIMEOUT: "unavailable",
};

export interface Failure {
  exitClass: ExitClass;
  message: string;
  /** The service's code (NOT_FOUND, …) when it answered. */
  code?: string;
  /** The service's or the CLI's fine-grained reason (bin_gone, scope_missing, …). */
  reason?: string;
}

/** What went wrong, in words for a person and a class for the exit code. Never quotes a secret. */
export function describeFailure(error: unknown): Failure {
  if (error instanceof CliError)
    return {
      exitClass: error.exitClass,
      message: error.message,
      ...(error.reason ? { reason: error.reason } : {}),
    };
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: string; reason?: string } | undefined | null;
    if (!data?.code) {
      // No tRPC answer: the connection failed, or something in front of Coffer answered.
      return {
        exitClass: "unavailable",
        message:
          "Coffer could not be reached. Check COFFER_URL (or the profile's url) and your network, then retry.",
      };
    }
    return {
      exitClass: byTrpcCode[data.code] ?? "unexpected",
      message: error.message,
      code: data.code,
      ...(data.reason ? { reason: data.reason } : {}),
    };
  }
  if (error instanceof SealingError)
    return { exitClass: "refused", message: error.message, reason: error.reason };
  if (error instanceof TransferError) return { exitClass: "unavailable", message: error.message };
  const code = (error as { code?: unknown })?.code;
  if (code === "ENOENT" || code === "EISDIR" || code === "EACCES")
    return {
      exitClass: "usage",
      message: `Cannot use ${(error as { path?: string }).path ?? "that file"}: ${code === "ENOENT" ? "it does not exist" : code === "EISDIR" ? "it is a folder" : "permission denied"}.`,
    };
  if (code === "EPIPE") return { exitClass: "ok", message: "" };
  return {
    exitClass: "unexpected",
    message: "Unexpected error in coffer. If it persists, report it with the command you ran.",
  };
}
