import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../api";
import { ApiError } from "../components/api-error";
import { LinkField } from "../components/copy-button";
import { formatMoment } from "./format";
import { Pages, usePager } from "./pager";

// Request links (sealed input): ask someone for a secret. Their browser seals it to Coffer and it
// lands as a record in this token's namespace. The link is shown once (its secret is only in the
// fragment); the list shows each link's state and the records that arrived through it.

const EXPIRY_CHOICES = [
  { seconds: 3600, label: "1 hour" },
  { seconds: 86_400, label: "1 day" },
  { seconds: 7 * 86_400, label: "7 days" },
] as const;

export function RequestsPage() {
  return (
    <section aria-labelledby="requests-title">
      <h2 id="requests-title">Request links</h2>
      <CreateRequest />
      <RequestList />
    </section>
  );
}

function CreateRequest() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.admin.keys.list.queryOptions());
  const [note, setNote] = useState("");
  const [keyName, setKeyName] = useState("default");
  const [expiresInSeconds, setExpiry] = useState<number>(86_400);
  const [maxText, setMaxText] = useState("1");
  const maxSubmissions = /^\d+$/.test(maxText) ? Number(maxText) : undefined;
  const create = useMutation(
    trpc.requests.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.requests.list.queryKey() }),
    }),
  );
  if (create.data)
    return (
      <div className="card" data-testid="request-created" role="status">
        <h3>Send this link to the person you ask</h3>
        <p className="warning">Copy it now: its secret is not stored, so the link cannot be shown again.</p>
        <LinkField
          label="Request link"
          value={`${window.location.origin}${create.data.path}`}
          testId="request-link"
        />
        <p className="actions">
          <button type="button" onClick={() => create.reset()}>
            Done
          </button>
        </p>
      </div>
    );
  return (
    <form
      className="card"
      data-testid="request-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (maxSubmissions !== undefined)
          create.mutate({ note: note.trim(), keyName, expiresInSeconds, maxSubmissions });
      }}
    >
      <h3>New request link</h3>
      <label htmlFor="request-note">Note shown to the sender (who asks, and for what; not secret)</label>
      <textarea
        id="request-note"
        className="short"
        required
        data-testid="request-note-input"
        value={note}
        onChange={(event) => setNote(event.target.value)}
      />
      <div className="row">
        <div>
          <label htmlFor="request-key">Stored under key</label>
          <select id="request-key" value={keyName} onChange={(event) => setKeyName(event.target.value)}>
            {(keys.data?.keys ?? [{ keyName: "default" }]).map((key) => (
              <option key={key.keyName} value={key.keyName}>
                {key.keyName}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="request-expiry">Open for</label>
          <select
            id="request-expiry"
            value={expiresInSeconds}
            onChange={(event) => setExpiry(Number(event.target.value))}
          >
            {EXPIRY_CHOICES.map((choice) => (
              <option key={choice.seconds} value={choice.seconds}>
                {choice.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="request-max">Submissions allowed</label>
          <input
            id="request-max"
            type="text"
            inputMode="numeric"
            value={maxText}
            aria-invalid={maxSubmissions === undefined}
            onChange={(event) => setMaxText(event.target.value)}
          />
        </div>
      </div>
      {maxSubmissions === undefined && (
        <p className="error" role="alert">
          Submissions allowed: type a whole number (1 or more).
        </p>
      )}
      <ApiError error={create.error} testId="request-create-error" />
      <p className="actions">
        <button type="submit" disabled={create.isPending || !note.trim() || maxSubmissions === undefined}>
          Create the link
        </button>
      </p>
    </form>
  );
}

function RequestList() {
  const trpc = useTRPC();
  const pager = usePager();
  const requests = useQuery(
    trpc.requests.list.queryOptions({ limit: 20, ...(pager.cursor ? { cursor: pager.cursor } : {}) }),
  );
  return (
    <div className="card">
      <h3>Links made with this token</h3>
      <ApiError error={requests.error} testId="requests-error" />
      {requests.data?.requests.length === 0 && <p className="muted">None yet.</p>}
      <ul className="requests" data-testid="request-list">
        {requests.data?.requests.map((request) => (
          <li key={request.requestId} data-testid="request-item">
            <p className="note">{request.note}</p>
            <p className="muted">
              {request.state.replace("_", " ")} · {request.remaining} of {request.maxSubmissions} submissions
              left · key {request.keyName} · made {formatMoment(request.createdAt * 1000)} · closes{" "}
              {formatMoment(request.expiresAt * 1000)}
            </p>
            {request.recordIds.length === 0 ? (
              <p className="muted">Nothing has arrived yet.</p>
            ) : (
              <>
                <p>
                  Arrived: {request.recordIds.length} record{request.recordIds.length === 1 ? "" : "s"} (read
                  them with a token that has the <code>decrypt</code> scope in this namespace, e.g.{" "}
                  <code>records.get</code>):
                </p>
                <ul>
                  {request.recordIds.map((recordId) => (
                    <li key={recordId}>
                      <code className="small">{recordId}</code>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </li>
        ))}
      </ul>
      <Pages pager={pager} nextCursor={requests.data?.cursor ?? null} />
    </div>
  );
}
