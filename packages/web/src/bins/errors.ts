import { TRPCClientError } from "@trpc/client";
import { SealingError } from "@coffer/sealing/errors";

// The API's messages are written for people (they say what to do and never echo a secret), so the
// page shows them as they are; only a missing answer needs words of our own.
export function messageOf(error: unknown): string {
  if (error instanceof TRPCClientError) {
    return error.data ? error.message : "Coffer could not be reached. Check your connection and try again.";
  }
  if (error instanceof SealingError) return error.message;
  return "Something went wrong in this page. Reload it and try again.";
}
