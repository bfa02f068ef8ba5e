import { CofferError } from "../errors";

// Every way a bin request is refused, worded for the person in front of the page: what happened
// and what to do, never a value from the request.

/** One answer for missing, expired and burned bins, so that a caller learns nothing from the difference. */
export const binGone = () =>
  new CofferError(
    "not_found",
    "This bin does not exist: it expired, was deleted, or has been read as many times as allowed.",
    { reason: "bin_gone" },
  );

export const binVersionStale = () =>
  new CofferError(
    "conflict",
    "The bin changed since you loaded it. Reload it, then apply your change again.",
    {
      reason: "bin_version_stale",
    },
  );

export const binKeyRefused = () =>
  new CofferError(
    "forbidden",
    "This key was not issued for this bin, or does not match it. Start again from the create page.",
    { reason: "bin_key_refused" },
  );

export const binReadRaced = () =>
  new CofferError("conflict", "The bin changed while it was being read. Try again.", {
    reason: "bin_read_raced",
  });

/** A read proof that does not match: with a passphrase layer, the passphrase is by far the likeliest cause. */
export const readProofRefused = (hasPassphrase: boolean) =>
  hasPassphrase
    ? new CofferError("forbidden", "Wrong passphrase. Nothing was used up: check it and try again.", {
        reason: "bin_passphrase_wrong",
      })
    : new CofferError(
        "forbidden",
        "This link does not open this bin. Check that you copied all of it, including the part after #.",
        { reason: "bin_read_proof_wrong" },
      );
