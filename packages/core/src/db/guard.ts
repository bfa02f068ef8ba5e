import { CofferError } from "../errors";

// The only place that knows what DynamoDB failures look like. ElectroDB wraps the SDK's error as
// `cause`; a failed condition becomes "conflict", an unreachable or throttled table "unavailable",
// and anything else (a bug of ours) is rethrown untouched.

const CONDITION_FAILURES = new Set(["ConditionalCheckFailedException", "TransactionCanceledException"]);

function sdkErrorOf(error: unknown): { name?: string; code?: unknown; $metadata?: unknown } | undefined {
  let current = error as { name?: string; cause?: unknown; $metadata?: unknown; code?: unknown } | undefined;
  for (let depth = 0; current && depth < 4; depth++) {
    if (current.$metadata !== undefined || (current.name && CONDITION_FAILURES.has(current.name)))
      return current;
    if (typeof current.code === "string" && /^E[A-Z]+$/.test(current.code)) return current; // ECONNREFUSED, …
    if (current.name === "TimeoutError") return current;
    current = current.cause as typeof current;
  }
  return undefined;
}

export function isConditionFailure(error: unknown): boolean {
  const sdkError = sdkErrorOf(error);
  return !!sdkError?.name && CONDITION_FAILURES.has(sdkError.name);
}

export function toDbError(error: unknown, conflictMessage = "The item changed or already exists."): unknown {
  if (error instanceof CofferError) return error;
  const sdkError = sdkErrorOf(error);
  if (!sdkError) return error;
  if (sdkError.name && CONDITION_FAILURES.has(sdkError.name)) {
    return new CofferError("conflict", conflictMessage, { reason: "condition_failed", cause: error });
  }
  return new CofferError("unavailable", "The database is unavailable. Retry shortly.", {
    reason: "dynamodb_unavailable",
    cause: error,
  });
}

/** Runs one database call and translates its failure; `conflictMessage` says what a failed condition means here. */
export async function guard<T>(call: Promise<T>, conflictMessage?: string): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw toDbError(error, conflictMessage);
  }
}

/**
 * For writes whose condition is the question ("is this still the last read?"): a failed condition
 * resolves to undefined, any other failure is translated as `guard` does.
 */
export async function unlessConditionFails<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw toDbError(error);
  }
}
