import { useMutation, useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { seal } from "@coffer/client";
import { encodeBinPayload } from "@coffer/sealing/bins";
import { SealingError } from "@coffer/sealing/errors";
import { useTRPC, useTRPCClient } from "../api";
import { type ContentDraft, draftProblem, emptyDraft, maxTextBytes, payloadOf } from "../bins/content";
import { ApiError } from "../components/api-error";
import { ContentInput } from "../components/content-input";

// A request link, `/r/<requestId>#<secret>` (DESIGN §5.4): someone asks this person for a secret.
// The browser seals it to the service's RSA key (docs/sealed.md) before it leaves the page, so the
// request carries only the sealed payload; the link secret proves the link, and stays in the fragment.

const LINK_SECRET = /^[A-Za-z0-9_-]{43}$/;

function Card({ children }: { children: ReactNode }) {
  return (
    <section className="card">
      <h2>Someone asks you for a secret</h2>
      {children}
    </section>
  );
}

export function RequestLinkPage({ requestId, fragment }: { requestId: string; fragment: string }) {
  if (!LINK_SECRET.test(fragment)) {
    return (
      <Card>
        <p className="error" data-testid="request-error">
          This link is incomplete: the part after “#” is missing or damaged. Ask whoever sent it to copy the
          whole link again.
        </p>
      </Card>
    );
  }
  return <RequestLink requestId={requestId} secret={fragment} />;
}

function RequestLink({ requestId, secret }: { requestId: string; secret: string }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [draft, setDraft] = useState<ContentDraft>(emptyDraft);
  const [sent, setSent] = useState(0);
  // A mutation on the wire (the secret must not sit in a URL), but it changes nothing: read it like a query.
  const link = useQuery({
    queryKey: ["request", requestId, sent],
    queryFn: () => client.requests.get.mutate({ requestId, secret }),
  });
  const publicKey = useQuery({ ...trpc.keys.publicKey.queryOptions(), staleTime: Infinity });

  const submit = useMutation({
    mutationFn: async () => {
      const problem = draftProblem(draft);
      if (problem) throw new SealingError("request_draft_invalid", problem);
      const plaintext = encodeBinPayload(await payloadOf(draft));
      const sealed = await seal(publicKey.data!, plaintext);
      return client.requests.submit.mutate({ requestId, secret, sealed });
    },
    onSuccess: () => {
      setDraft(emptyDraft);
      setSent((count) => count + 1);
    },
  });

  if (link.isPending)
    return (
      <Card>
        <p className="muted">Loading the request…</p>
      </Card>
    );
  if (link.error) {
    return (
      <Card>
        <ApiError error={link.error} testId="request-error" />
      </Card>
    );
  }
  const { note, state, remaining, expiresAt } = link.data;
  const noteView = (
    <blockquote className="note" data-testid="request-note">
      {note}
    </blockquote>
  );
  if (state !== "open") {
    return (
      <Card>
        {noteView}
        {submit.isSuccess && (
          <p className="success" data-testid="request-sent">
            Sent. Only the person who asked can read it.
          </p>
        )}
        <p className="error" data-testid="request-closed">
          {state === "used_up"
            ? "This request link has been used up: it accepts nothing more. Ask for a new link if you need to send something else."
            : "This request link has expired. Ask for a new one."}
        </p>
      </Card>
    );
  }
  return (
    <Card>
      <p>Their note:</p>
      {noteView}
      <p className="muted" data-testid="request-explainer">
        What you type or choose is encrypted in this browser, to Coffer's key, before it is sent: the request
        carries only the encrypted form. Coffer stores it encrypted, for the person who made this link, who
        alone can read it. This page cannot show it again. The link accepts {remaining} more{" "}
        {remaining === 1 ? "submission" : "submissions"} until {new Date(expiresAt * 1000).toLocaleString()}.
      </p>
      {submit.isSuccess && (
        <p className="success" data-testid="request-sent">
          Sent. Only the person who asked can read it.
        </p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit.mutate();
        }}
      >
        <ContentInput draft={draft} onChange={setDraft} textLabel="Your secret" maxFile={maxTextBytes} />
        <ApiError error={submit.error ?? publicKey.error} testId="submit-error" />
        <p className="actions">
          <button type="submit" data-testid="request-submit" disabled={submit.isPending || !publicKey.data}>
            {submit.isPending ? "Encrypting and sending…" : "Encrypt and send"}
          </button>
        </p>
      </form>
    </Card>
  );
}
