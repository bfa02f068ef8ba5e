import { messageOf } from "../bins/errors";

/** A failed call's message, as the API wrote it for people; nothing while there is no error. */
export function ApiError({ error, testId }: { error: unknown; testId: string }) {
  if (!error) return null;
  return (
    <p className="error" role="alert" data-testid={testId}>
      {messageOf(error)}
    </p>
  );
}
