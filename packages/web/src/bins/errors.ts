import { TRPCClientError } from "@trpc/client";
import { CofferError } from "@coffer/core/errors";

// The API's messages are written for people (they say what to do and never echo a secret), so the
// page shows them as they are; only a missing answer needs words of our own.
export function messageOf(error: unknown): string {
  if (error instanceof TRPCClientError) {
    return error.data ? error.message : "Coffer could not be reached. Check your connection and try again.";
  }
  if (error instanceof CofferError) return error.message;
  return "Something went wrong in this page. Reload it and try again.";
}

export const reasonOf = (error: unknown): string | undefined =>
  error instanceof TRPCClientError ? (error.data as { reason?: string } | undefined)?.reason : undefined;
