import { useMutation } from "@tanstack/react-query";
import { createTRPCClient, TRPCClientError } from "@trpc/client";
import { useState } from "react";
import { type AppRouter, cofferLinks } from "@coffer/client";
import { apiUrl } from "../api";
import { messageOf } from "../bins/errors";
import { TOKEN_SHAPE } from "./session";

/** What a refused sign-in tells the person, by the API's code: each says what to do next. */
export function signInProblem(error: unknown): string {
  const code =
    error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined;
  if (code === "UNAUTHORIZED")
    return "Coffer refused this token: it is wrong, revoked or expired. Paste a current admin token (“npm run local” prints one; “npm run admin-token” makes a new one).";
  if (code === "FORBIDDEN")
    return "This token works but lacks the admin scope. Sign in with a token made with the admin scope.";
  return messageOf(error);
}

/**
 * The token is checked with one admin call before it is kept, so a wrong one is refused here,
 * with the reason, and never stored.
 */
export function SignIn({
  notice,
  onSignedIn,
}: {
  notice?: string | undefined;
  onSignedIn: (token: string) => void;
}) {
  const [token, setToken] = useState("");
  const trimmed = token.trim();
  const isWellFormed = TOKEN_SHAPE.test(trimmed);
  const check = useMutation({
    mutationFn: async (candidate: string) => {
      const client = createTRPCClient<AppRouter>({ links: cofferLinks({ url: apiUrl, token: candidate }) });
      await client.admin.keys.list.query();
      return candidate;
    },
    onSuccess: onSignedIn,
  });
  return (
    <section className="card narrow" data-testid="admin-sign-in">
      <h2>Coffer console</h2>
      <p className="muted">
        Sign in with an admin token. This tab keeps it until you sign out or close the tab; it is sent only in
        the Authorization header of the console’s calls.
      </p>
      {notice && (
        <p className="error" role="alert" data-testid="admin-notice">
          {notice}
        </p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (isWellFormed) check.mutate(trimmed);
        }}
      >
        <label htmlFor="admin-token">Admin token</label>
        <input
          id="admin-token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          data-testid="admin-token"
          value={token}
          aria-invalid={trimmed !== "" && !isWellFormed}
          aria-describedby="admin-token-problem"
          onChange={(event) => {
            setToken(event.target.value);
            check.reset();
          }}
        />
        <p className="error" role="alert" id="admin-token-problem" hidden={trimmed === "" || isWellFormed}>
          An admin token starts with “coffer_” followed by letters, digits, “-” and “_”. Paste the whole
          token.
        </p>
        {check.error && (
          <p className="error" role="alert" data-testid="sign-in-error">
            {signInProblem(check.error)}
          </p>
        )}
        <p className="actions">
          <button type="submit" data-testid="sign-in" disabled={!isWellFormed || check.isPending}>
            {check.isPending ? "Checking…" : "Sign in"}
          </button>
        </p>
      </form>
    </section>
  );
}
