import type { ReactNode } from "react";
import { messageOf } from "../bins/errors";

/** The same words as the API's "bin_gone" refusal: one message for every kind of "gone". */
export const GONE_MESSAGE =
  "This secret is gone: it has been revealed as many times as allowed, it expired, or it was deleted.";

interface Lookup<T> {
  isPending: boolean;
  error: unknown;
  data: T | undefined;
}

/** The page's state when the secret cannot be had (anymore): announced, with nothing to click. */
export function GoneView({ message = GONE_MESSAGE }: { message?: string }) {
  return (
    <>
      <p className="error" role="alert" data-testid="bin-gone">
        {message}
      </p>
      <p>
        <a href="/">Share a secret of your own</a>
      </p>
    </>
  );
}

/**
 * What the bin pages show before they have a bin: "looking it up", the API's error, or "gone"
 * (missing, expired and burned bins look the same). Returns the bin once there is one.
 */
export function lookUpBin<T extends { exists: boolean }>(
  metadata: Lookup<T>,
): { view: ReactNode } | { bin: Extract<T, { exists: true }> } {
  if (metadata.isPending) return { view: <p data-testid="bin-status">Looking it up…</p> };
  if (metadata.error) {
    return {
      view: (
        <p className="error" role="alert" data-testid="bin-error">
          {messageOf(metadata.error)}
        </p>
      ),
    };
  }
  const bin = metadata.data;
  if (!bin?.exists) return { view: <GoneView /> };
  return { bin: bin as Extract<T, { exists: true }> };
}
