import type { TRPCError } from "@trpc/server";
import { CofferError } from "@coffer/core/errors";

// One JSON line per failed request: its code, kind, reason and request id, never a value. Only
// unexpected errors add their stack, and never their message, which could quote input.
export function logError({
  error,
  path,
  requestId,
}: {
  error: TRPCError;
  path: string | undefined;
  requestId?: string;
}) {
  const cause = error.cause;
  const line: Record<string, unknown> = { level: "warn", requestId, path, code: error.code };
  if (cause instanceof CofferError) Object.assign(line, { kind: cause.kind, reason: cause.reason });
  if (error.code === "INTERNAL_SERVER_ERROR" && !(cause instanceof CofferError)) {
    Object.assign(line, {
      level: "error",
      error: cause?.name,
      stack: cause?.stack?.split("\n").slice(1, 8).join("\n"),
    });
  }
  console.error(JSON.stringify(line));
}
