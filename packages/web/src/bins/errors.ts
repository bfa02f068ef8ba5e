import { TRPCClientError } from "@trpc/client";
import { SealingError } from "@coffer/sealing/errors";
import { TransferError } from "@coffer/client";

// The API's messages are written for people (they say what to do and never echo a secret), so the
// page shows them as they are; only a missing answer needs words of our own.
export function messageOf(error: unknown): string {
  if (error instanceof TRPCClientError) {
    return error.data ? error.message : "Coffer could not be reached. Check your connection and try again.";
  }
  if (error instanceof SealingError || error instanceof TransferError) return error.message;
  return "Something went wrong in this page. Reload it and try again.";
}

/** The API's fine-grained reason ("bin_gone", "bin_passphrase_wrong", …), if the error came from it. */
export function reasonOf(error: unknown): string | undefined {
  return error instanceof TRPCClientError
    ? ((error.data as { reason?: string } | undefined)?.reason ?? undefined)
    : undefined;
}

/** Refusals after which the secret cannot be had any more: the page switches to its "gone" state. */
export const isGone = (error: unknown) =>
  ["bin_gone", "bin_passphrase_limit"].includes(reasonOf(error) ?? "");
