import { isCofferError } from "@coffer/core/errors";

/**
 * How a call to a core service ended: "ok", or the refusal's kind and reason
 * ("conflict:record_exists"). Anything that is not a Coffer refusal reads "thrown:" and the error,
 * so that a test expecting a refusal shows what it got instead.
 */
export const outcomeOf = (call: Promise<unknown>): Promise<string> =>
  call.then(
    () => "ok",
    (error: unknown) => (isCofferError(error) ? `${error.kind}:${error.reason}` : `thrown:${String(error)}`),
  );
