import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../api";
import { ApiError } from "../components/api-error";
import { epochMsOfLocalInput, formatCount, formatMoment } from "./format";
import { Pages, usePager } from "./pager";

// Audit: the events of one hash chain ("tokens", or "key:<name>" per catalog key), newest first,
// filtered by time; and a walk of the whole chain that says whether it is intact, and if not,
// where it breaks and why.

const BECAUSE: Record<string, string> = {
  edited: "an event was changed after it was written",
  missing: "an event was deleted (or the chain was cut short)",
  reordered: "events were moved out of their order",
};

export function AuditPage() {
  const trpc = useTRPC();
  const keys = useQuery(trpc.admin.keys.list.queryOptions());
  const chains = ["tokens", ...(keys.data?.keys.map((key) => `key:${key.keyName}`) ?? [])];
  const [chain, setChain] = useState("tokens");
  const [fromText, setFromText] = useState("");
  const [toText, setToText] = useState("");
  const pager = usePager();
  const fromAt = epochMsOfLocalInput(fromText);
  const toAt = epochMsOfLocalInput(toText);
  const events = useQuery(
    trpc.admin.audit.list.queryOptions({
      chain,
      limit: 25,
      ...(fromAt !== undefined ? { fromAt } : {}),
      ...(toAt !== undefined ? { toAt } : {}),
      ...(pager.cursor ? { cursor: pager.cursor } : {}),
    }),
  );
  const verify = useQuery({ ...trpc.admin.audit.verify.queryOptions({ chain }), enabled: false });
  const isRangeBackwards = fromAt !== undefined && toAt !== undefined && fromAt > toAt;

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit</h2>
      <form className="card" onSubmit={(event) => event.preventDefault()}>
        <div className="row">
          <div>
            <label htmlFor="audit-chain">Chain</label>
            <select
              id="audit-chain"
              data-testid="audit-chain"
              value={chain}
              onChange={(event) => {
                setChain(event.target.value);
                pager.reset();
              }}
            >
              {chains.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="audit-from">From (your time)</label>
            <input
              id="audit-from"
              type="datetime-local"
              data-testid="audit-from"
              value={fromText}
              onChange={(event) => {
                setFromText(event.target.value);
                pager.reset();
              }}
            />
          </div>
          <div>
            <label htmlFor="audit-to">To</label>
            <input
              id="audit-to"
              type="datetime-local"
              data-testid="audit-to"
              value={toText}
              onChange={(event) => {
                setToText(event.target.value);
                pager.reset();
              }}
            />
          </div>
        </div>
        {isRangeBackwards && (
          <p className="error" role="alert">
            “From” lies after “To”: swap them to see events.
          </p>
        )}
        <p className="actions">
          <button
            type="button"
            data-testid="audit-verify"
            disabled={verify.isFetching}
            onClick={() => {
              // The table is read again too, so it shows the chain as verified (edits included).
              void verify.refetch();
              void events.refetch();
            }}
          >
            {verify.isFetching ? "Verifying…" : `Verify the “${chain}” chain`}
          </button>
        </p>
        <ApiError error={verify.error} testId="verify-error" />
        {verify.data && !verify.isFetching && <VerifyResult result={verify.data} />}
      </form>

      <div className="card">
        <ApiError error={events.error} testId="audit-error" />
        <div className="scroll">
          <table className="data wide" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Namespace</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Request id</th>
              </tr>
            </thead>
            <tbody>
              {events.data?.events.map((event) => (
                <tr key={event.seq} data-testid="audit-row">
                  <td>{event.seq}</td>
                  <td>{formatMoment(event.at)}</td>
                  <td>
                    <code className="small">{event.actorTokenId}</code>
                  </td>
                  <td>{event.namespace ?? <span className="muted">—</span>}</td>
                  <td>{event.action}</td>
                  <td>
                    <code className="small">{event.subject}</code>
                  </td>
                  <td>
                    <code className="small">{event.requestId}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {events.data?.events.length === 0 && (
          <p className="muted">
            No event in this chain{fromAt !== undefined || toAt !== undefined ? " in that time" : ""}.
          </p>
        )}
        <Pages pager={pager} nextCursor={events.data?.cursor ?? null} />
      </div>
    </section>
  );
}

type Verified =
  | { chain: string; ok: true; events: number; headSeq: number; headHash: string }
  | { chain: string; ok: false; events: number; brokenAt: number; because: string; detail: string };

function VerifyResult({ result }: { result: Verified }) {
  if (result.ok)
    return (
      <p className="success" role="status" data-testid="verify-result" data-ok="true">
        ✓ The “{result.chain}” chain is intact: {formatCount(result.events)} events, each linked to the one
        before, up to its head (event {result.headSeq}, hash{" "}
        <code className="small">{result.headHash.slice(0, 16)}…</code>).
      </p>
    );
  return (
    <div className="error-box" role="alert" data-testid="verify-result" data-ok="false">
      <p>
        <strong>
          ✗ The “{result.chain}” chain is broken at event {result.brokenAt}:
        </strong>{" "}
        {BECAUSE[result.because] ?? result.because} ({result.detail}).
      </p>
      <p>
        What to do: treat the table as tampered with. Compare the chain heads in the functions’ logs (
        <code>audit_head</code> entries) with this chain, find who had write access to the table, and restore
        it from a point-in-time backup taken before event {result.brokenAt} changed.
      </p>
    </div>
  );
}
