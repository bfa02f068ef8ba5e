import { CofferError } from "../errors";

// Every way a bin request is refused, worded for the person in front of the page: what happened
// and what to do, never a value from the request. The pages call a bin "the secret", and so do these.

/** One answer for missing, expired and burned bins, so that a caller learns nothing from the difference. */
export const binGone = () =>
  new CofferError(
    "not_found",
    "This secret is gone: it has been revealed as many times as allowed, it expired, or it was deleted.",
    { reason: "bin_gone" },
  );

export const binVersionStale = () =>
  new CofferError(
    "conflict",
    "The secret changed since you loaded this page. Reload it, then apply your change again.",
    { reason: "bin_version_stale" },
  );

export const binKeyRefused = () =>
  new CofferError(
    "forbidden",
    "This key was not issued for this secret, or does not match it. Start again from the create page.",
    { reason: "bin_key_refused" },
  );

export const binReadRaced = () =>
  new CofferError("conflict", "The secret changed while it was being read. Try again.", {
    reason: "bin_read_raced",
  });

/** A link proof that does not match: the reader holds a cut or altered link. Never counted. */
export const linkProofRefused = () =>
  new CofferError(
    "forbidden",
    "This link does not open this secret. Check that you copied all of it, including the part after #.",
    { reason: "bin_read_proof_wrong" },
  );

/** The right link with a wrong passphrase: counted, and the reader is told how many tries are left. */
export const passphraseRefused = (triesLeft: number) =>
  new CofferError(
    "forbidden",
    `Wrong passphrase. Nothing was used up; ${triesLeft} ${triesLeft === 1 ? "try is" : "tries are"} left before the secret is destroyed.`,
    { reason: "bin_passphrase_wrong", details: { triesLeft } },
  );

export const binDestroyedByGuesses = () =>
  new CofferError(
    "not_found",
    "Wrong passphrase too many times: the secret has been destroyed. Ask the sender to share it again.",
    { reason: "bin_passphrase_limit" },
  );

export const binExpiryRefused = () =>
  new CofferError("invalid", "The new expiry must be earlier than the current one and still in the future.", {
    reason: "bin_expiry_refused",
  });
