// The refusals of the envelope code. Each has a stable `reason` that the API sends to clients, so
// renaming one is a breaking change. Messages say what went wrong and what to do; they never
// contain envelope bytes, keys, plaintext or context values.
import { CofferError } from "../errors";

export const EnvelopeReason = {
  unknownVersion: "envelope_unknown_version",
  unknownAlgorithm: "envelope_unknown_algorithm",
  malformed: "envelope_malformed",
  tooLarge: "envelope_too_large",
  contextMismatch: "context_mismatch",
  commitmentMismatch: "commitment_mismatch",
  authenticationFailed: "authentication_failed",
  plaintextTooLarge: "plaintext_too_large",
} as const;

export type EnvelopeReason = (typeof EnvelopeReason)[keyof typeof EnvelopeReason];

/** `part` names the field that failed to parse, e.g. "header.context"; it is safe to show. */
export function malformed(part: string, problem: string): CofferError {
  return new CofferError("invalid", `This is not a valid Coffer envelope: ${part} ${problem}.`, {
    reason: EnvelopeReason.malformed,
    details: { part },
  });
}

export function unknownVersion(version: number): CofferError {
  return new CofferError(
    "invalid",
    `This envelope uses format version ${version}, which this service does not know. Upgrade the service or check the data.`,
    { reason: EnvelopeReason.unknownVersion, details: { version } },
  );
}

export function unknownAlgorithm(algorithmId: number): CofferError {
  return new CofferError(
    "invalid",
    `This envelope uses algorithm ${algorithmId}, which this service does not know.`,
    {
      reason: EnvelopeReason.unknownAlgorithm,
      details: { algorithmId },
    },
  );
}

export function envelopeTooLarge(maxBytes: number): CofferError {
  return new CofferError(
    "invalid",
    `The envelope is larger than any this service makes (${maxBytes} bytes).`,
    {
      reason: EnvelopeReason.tooLarge,
      details: { maxBytes },
    },
  );
}

export function plaintextTooLarge(maxBytes: number): CofferError {
  return new CofferError(
    "invalid",
    `The plaintext is larger than ${maxBytes} bytes. Split it or store it elsewhere.`,
    {
      reason: EnvelopeReason.plaintextTooLarge,
      details: { maxBytes },
    },
  );
}

export function contextMismatch(): CofferError {
  return new CofferError(
    "invalid",
    "The encryption context does not match the one this envelope was made with. Send exactly the same context.",
    { reason: EnvelopeReason.contextMismatch },
  );
}

export function commitmentMismatch(): CofferError {
  return new CofferError(
    "invalid",
    "The envelope's key commitment does not match its data key: the envelope was altered or assembled from parts of others.",
    { reason: EnvelopeReason.commitmentMismatch },
  );
}

export function authenticationFailed(): CofferError {
  return new CofferError("invalid", "The envelope failed authentication: it was altered or damaged.", {
    reason: EnvelopeReason.authenticationFailed,
  });
}

/** For `assertValidContext`: the reason names the rule, the message says how to fix it. */
export function invalidContext(
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): CofferError {
  return new CofferError("invalid", message, { reason, ...(details ? { details } : {}) });
}
