// The refusals of sealed input, one per check (DESIGN §5). Each `reason` is part of the API: a
// client can tell a stale payload (seal again) from a replay (it was already accepted) from
// tampering. Messages never contain payload bytes.
import { CofferError } from "../errors";

export const SealedReason = {
  malformed: "sealed_malformed",
  keyUnknown: "sealed_key_unknown",
  expired: "sealed_expired",
  fromFuture: "sealed_from_future",
  replayed: "sealed_replayed",
  keyInvalid: "sealed_key_invalid",
  tampered: "sealed_tampered",
  digestMismatch: "sealed_digest_mismatch",
} as const;
export type SealedReason = (typeof SealedReason)[keyof typeof SealedReason];

const MESSAGES: Record<SealedReason, string> = {
  sealed_malformed: "The sealed payload is malformed. Seal the data again with a current Coffer client.",
  sealed_key_unknown:
    "The payload was sealed to another key. Fetch this service's public key (keys.publicKey) and seal again.",
  sealed_expired: "The sealed payload is more than 5 minutes old. Seal it again and send it at once.",
  sealed_from_future:
    "The sealed payload's timestamp is more than 5 minutes ahead. Check the sender's clock and seal again.",
  sealed_replayed: "This sealed payload was already received. Seal the data again to send it again.",
  sealed_key_invalid:
    "The payload's wrapped key could not be opened with this service's key. Seal it again with keys.publicKey.",
  sealed_tampered: "The sealed payload was altered after sealing. Seal the data again.",
  sealed_digest_mismatch:
    "The payload's digest does not match its content: the sender computed it wrongly. Seal the data again.",
};

export function sealedRefusal(reason: SealedReason, cause?: unknown): CofferError {
  return new CofferError(reason === "sealed_replayed" ? "conflict" : "invalid", MESSAGES[reason], {
    reason,
    ...(cause === undefined ? {} : { cause }),
  });
}
