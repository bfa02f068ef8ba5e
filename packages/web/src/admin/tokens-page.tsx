import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../api";
import { ApiError } from "../components/api-error";
import { CopyButton } from "../components/copy-button";
import type { AdminOutputs } from "./admin-api";
import { Confirm } from "./confirm";
import { formatBytes, formatCount, formatMoment } from "./format";
import { Pages, usePager } from "./pager";

// Tokens: make one (its secret is shown here once and never again: only its hash is stored), list
// them (never a secret), revoke one.

const SCOPES = ["encrypt", "decrypt", "datakey", "rewrap", "drop", "admin"] as const;
type Scope = (typeof SCOPES)[number];
const SCOPE_HELP: Record<Scope, string> = {
  encrypt: "encrypt, store and delete records",
  decrypt: "decrypt and read records",
  datakey: "take data keys for local encryption",
  rewrap: "move envelopes to a key's current version",
  drop: "only store sealed input and make request links",
  admin: "this console: tokens, keys, audit",
};
const EXPIRY_CHOICES = [
  { days: 0, label: "Never" },
  { days: 1, label: "1 day" },
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 365, label: "1 year" },
] as const;

type AdminToken = AdminOutputs["tokens"]["list"]["tokens"][number];

export function TokensPage() {
  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">Tokens</h2>
      <CreateToken />
      <TokenList />
    </section>
  );
}

function CreateToken() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.admin.keys.list.queryOptions());
  const [name, setName] = useState("");
  const [namespace, setNamespace] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["encrypt"]);
  const [keyNames, setKeyNames] = useState<string[]>([]);
  const [expiryDays, setExpiryDays] = useState<number>(30);
  const create = useMutation(
    trpc.admin.tokens.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.admin.tokens.list.queryKey() }),
    }),
  );
  const toggle = <T,>(list: T[], item: T) =>
    list.includes(item) ? list.filter((x) => x !== item) : [...list, item];

  if (create.data) {
    return (
      <div className="card secret-once" data-testid="token-created" role="status">
        <h3>Token “{create.data.name}” is ready</h3>
        <p className="warning" data-testid="token-once">
          Copy the token now: you will not see this again. Coffer keeps only a hash of it.
        </p>
        <div className="link">
          <input
            type="text"
            readOnly
            aria-label="The new token"
            value={create.data.token}
            data-testid="token-secret"
            onFocus={(event) => event.currentTarget.select()}
          />
          <CopyButton value={create.data.token} testId="token-copy" />
        </div>
        <p className="actions">
          <button type="button" data-testid="token-done" onClick={() => create.reset()}>
            I have stored it
          </button>
        </p>
      </div>
    );
  }

  const expiresAt = expiryDays === 0 ? undefined : Math.floor(Date.now() / 1000) + expiryDays * 86_400;
  return (
    <form
      className="card"
      data-testid="token-form"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate({
          name: name.trim(),
          scopes,
          ...(namespace.trim() ? { namespace: namespace.trim() } : {}),
          ...(keyNames.length > 0 ? { keyNames } : {}),
          ...(expiresAt !== undefined ? { expiresAt } : {}),
        });
      }}
    >
      <h3>New token</h3>
      <div className="row">
        <div>
          <label htmlFor="token-name">Name (a note: who or what uses it)</label>
          <input
            id="token-name"
            type="text"
            required
            maxLength={64}
            data-testid="token-name"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <div>
          <label htmlFor="token-namespace">Namespace (tenant; empty: default)</label>
          <input
            id="token-namespace"
            type="text"
            maxLength={64}
            data-testid="token-namespace"
            value={namespace}
            placeholder="default"
            onChange={(event) => setNamespace(event.target.value)}
          />
        </div>
      </div>
      <fieldset>
        <legend>Scopes</legend>
        {SCOPES.map((scope) => (
          <label className="check" key={scope}>
            <input
              type="checkbox"
              data-testid={`token-scope-${scope}`}
              checked={scopes.includes(scope)}
              onChange={() => setScopes(toggle(scopes, scope))}
            />
            <span>
              <code>{scope}</code> <span className="muted">{SCOPE_HELP[scope]}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Keys it may use (none ticked: every key)</legend>
        {keys.data?.keys.map((key) => (
          <label className="check" key={key.keyName}>
            <input
              type="checkbox"
              data-testid={`token-key-${key.keyName}`}
              checked={keyNames.includes(key.keyName)}
              onChange={() => setKeyNames(toggle(keyNames, key.keyName))}
            />
            <code>{key.keyName}</code>
          </label>
        ))}
      </fieldset>
      <label htmlFor="token-expiry">Expires after</label>
      <select
        id="token-expiry"
        data-testid="token-expiry"
        value={expiryDays}
        onChange={(event) => setExpiryDays(Number(event.target.value))}
      >
        {EXPIRY_CHOICES.map((choice) => (
          <option key={choice.days} value={choice.days}>
            {choice.label}
          </option>
        ))}
      </select>
      {scopes.length === 0 && (
        <p className="error" role="alert">
          Tick at least one scope: a token without one can do nothing.
        </p>
      )}
      <ApiError error={create.error} testId="token-create-error" />
      <p className="actions">
        <button
          type="submit"
          data-testid="token-create"
          disabled={create.isPending || scopes.length === 0 || !name.trim()}
        >
          {create.isPending ? "Creating…" : "Create the token"}
        </button>
      </p>
    </form>
  );
}

function TokenList() {
  const trpc = useTRPC();
  const pager = usePager();
  const tokens = useQuery(
    trpc.admin.tokens.list.queryOptions({ limit: 20, ...(pager.cursor ? { cursor: pager.cursor } : {}) }),
  );
  return (
    <div className="card">
      <h3>Existing tokens</h3>
      <ApiError error={tokens.error} testId="tokens-error" />
      <div className="scroll">
        <table className="data wide" data-testid="token-list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Namespace</th>
              <th scope="col">Scopes</th>
              <th scope="col">Keys</th>
              <th scope="col">Made</th>
              <th scope="col">Expires</th>
              <th scope="col">Use</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.data?.tokens.map((token) => (
              <TokenRow key={token.tokenId} token={token} />
            ))}
          </tbody>
        </table>
      </div>
      <Pages pager={pager} nextCursor={tokens.data?.cursor ?? null} />
    </div>
  );
}

function TokenRow({ token }: { token: AdminToken }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [isConfirming, setConfirming] = useState(false);
  const revoke = useMutation(
    trpc.admin.tokens.revoke.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        return queryClient.invalidateQueries({ queryKey: trpc.admin.tokens.list.queryKey() });
      },
    }),
  );
  const usage = token.usage;
  return (
    <>
      <tr data-testid="token-row" data-token-id={token.tokenId}>
        <th scope="row">
          {token.name}
          <br />
          <code className="muted small">{token.tokenId}</code>
        </th>
        <td>{token.namespace}</td>
        <td>{token.scopes.join(", ")}</td>
        <td>{token.keyNames ? token.keyNames.join(", ") : <span className="muted">all</span>}</td>
        <td>{formatMoment(token.createdAt * 1000)}</td>
        <td>
          {token.expiresAt === null ? (
            <span className="muted">never</span>
          ) : (
            formatMoment(token.expiresAt * 1000)
          )}
        </td>
        <td>
          {formatCount(usage.encrypts)} enc, {formatCount(usage.decrypts)} dec, {formatBytes(usage.bytes)}
          <br />
          <span className="muted">
            {usage.lastUsedAt ? `last ${formatMoment(Date.parse(usage.lastUsedAt))}` : "never used"}
          </span>
        </td>
        <td data-testid="token-status" className={token.status === "active" ? "ok" : "bad"}>
          {token.status}
        </td>
        <td>
          {token.status === "active" && (
            <button
              type="button"
              className="danger secondary"
              data-testid="token-revoke"
              aria-label={`Revoke ${token.name}`}
              onClick={() => setConfirming(true)}
            >
              Revoke
            </button>
          )}
        </td>
      </tr>
      {isConfirming && (
        <tr>
          <td colSpan={9}>
            <Confirm
              testId="revoke-confirm"
              confirmLabel={`Revoke “${token.name}”`}
              busy={revoke.isPending}
              onConfirm={() => revoke.mutate({ tokenId: token.tokenId })}
              onCancel={() => setConfirming(false)}
            >
              <p>
                Every call with this token is refused from now on (within a second on instances that checked
                it lately). This cannot be undone: a service that needs access again needs a new token.
              </p>
              <ApiError error={revoke.error} testId="revoke-error" />
            </Confirm>
          </td>
        </tr>
      )}
    </>
  );
}
