import { useMutation, useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { type BinSecrets, parseManageFragment, shareLink } from "@coffer/sealing/bins";
import { uploadCiphertext } from "@coffer/client";
import { useTRPC, useTRPCClient } from "../api";
import { type ContentDraft, emptyDraft, isEmptyDraft, sizeProblem } from "../bins/content";
import { sealDraft } from "../bins/seal";
import { ApiError } from "../components/api-error";
import { BinFacts } from "../components/bin-facts";
import { lookUpBin } from "../components/bin-lookup";
import { ContentInput, PassphraseInput } from "../components/content-input";
import { LinkField } from "../components/copy-button";

function Card({ children }: { children: ReactNode }) {
  return (
    <section className="card">
      <h2>Manage your secret</h2>
      {children}
    </section>
  );
}

/** How much sooner the owner may make the secret expire, counted from now. */
const sooner = [
  { seconds: 5 * 60, label: "in 5 minutes" },
  { seconds: 3600, label: "in 1 hour" },
  { seconds: 24 * 3600, label: "in 1 day" },
  { seconds: 7 * 24 * 3600, label: "in 7 days" },
] as const;

/**
 * The owner's page: the wrapped key in the fragment is the proof that lets the server accept a
 * change. The fragment stays in the address bar (this page is the owner's, and a reload must work).
 */
export function ManageBinPage({ binId, fragment }: { binId: string; fragment: string }) {
  const proof = parseManageFragment(fragment);
  if (!proof) {
    return (
      <Card>
        <p className="error" role="alert" data-testid="bin-error">
          This manage link is incomplete: the part after “#” is missing or damaged. Copy the whole manage link
          again.
        </p>
      </Card>
    );
  }
  return <ManageBin binId={binId} secrets={proof.secrets} wrappedKey={proof.wrappedKey} />;
}

function ManageBin({
  binId,
  secrets,
  wrappedKey,
}: {
  binId: string;
  secrets: BinSecrets;
  wrappedKey: string;
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const metadata = useQuery(trpc.bins.get.queryOptions({ binId }));
  const [draft, setDraft] = useState<ContentDraft>(emptyDraft);
  const [passphrase, setPassphrase] = useState("");
  const [expiryChoice, setExpiryChoice] = useState<number>(sooner[0].seconds);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const blocked = isEmptyDraft(draft) || !!sizeProblem(draft);

  const update = useMutation({
    // A fresh IV under the same keys, for the next version; the server accepts it only from the version read.
    mutationFn: async (version: number) => {
      const sealed = await sealDraft({ secrets, binId, version: version + 1, draft, passphrase });
      const updated = await client.bins.update.mutate({ binId, wrappedKey, version, ...sealed.wire });
      if (updated.uploadUrl && sealed.ciphertext)
        await uploadCiphertext(updated.uploadUrl, sealed.ciphertext);
      return updated;
    },
    onSuccess: () => {
      setDraft(emptyDraft);
      void metadata.refetch();
    },
  });
  const setExpiry = useMutation({
    mutationFn: (seconds: number) =>
      client.bins.setExpiry.mutate({ binId, wrappedKey, expiresAt: Math.floor(Date.now() / 1000) + seconds }),
    onSuccess: () => void metadata.refetch(),
  });
  const remove = useMutation({ mutationFn: () => client.bins.delete.mutate({ binId, wrappedKey }) });

  if (remove.data) {
    return (
      <Card>
        <p className="ok" role="status" data-testid="bin-deleted">
          Deleted. The share link no longer opens anything.
        </p>
        <p>
          <a href="/">Create a new secret</a>
        </p>
      </Card>
    );
  }
  const lookup = lookUpBin(metadata);
  if ("view" in lookup) return <Card>{lookup.view}</Card>;
  const meta = lookup.bin;
  const remaining = meta.expiresAt - Math.floor(Date.now() / 1000);
  const choices = sooner.filter((choice) => choice.seconds < remaining);
  return (
    <Card>
      <BinFacts bin={meta} />
      <LinkField
        label="Share link"
        value={shareLink(window.location.origin, binId, secrets)}
        testId="share-link"
      />

      <h3>Expire sooner</h3>
      {choices.length === 0 ? (
        <p className="muted">It expires in less than 5 minutes already.</p>
      ) : (
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            setExpiry.mutate(expiryChoice);
          }}
        >
          <div>
            <label htmlFor="new-expiry">New expiry</label>
            <select
              id="new-expiry"
              data-testid="new-expiry"
              value={expiryChoice}
              onChange={(event) => setExpiryChoice(Number(event.target.value))}
            >
              {choices.map((choice) => (
                <option key={choice.seconds} value={choice.seconds}>
                  {choice.label}
                </option>
              ))}
            </select>
          </div>
          <div className="actions">
            <button
              type="submit"
              className="secondary"
              data-testid="set-expiry"
              disabled={setExpiry.isPending}
            >
              Set the new expiry
            </button>
          </div>
        </form>
      )}
      <ApiError error={setExpiry.error} testId="expiry-error" />
      {setExpiry.data && (
        <p className="ok" role="status" data-testid="expiry-updated">
          Saved: the secret now expires sooner.
        </p>
      )}

      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!blocked) update.mutate(meta.version);
        }}
      >
        <h3>Replace the secret</h3>
        <ContentInput draft={draft} onChange={setDraft} textLabel="New secret" />
        <PassphraseInput
          label="Passphrase for readers (optional; empty means none)"
          value={passphrase}
          onChange={setPassphrase}
          testId="update-passphrase"
        />
        <ApiError error={update.error} testId="update-error" />
        {update.data && (
          <p className="ok" role="status" data-testid="bin-updated">
            Saved. Readers now get the new secret; the share link stays the same.
          </p>
        )}
        <p className="actions">
          <button type="submit" data-testid="update-bin" disabled={update.isPending || blocked}>
            {update.isPending ? "Encrypting…" : "Save the new secret"}
          </button>
        </p>
      </form>
      <h3>Delete</h3>
      <ApiError error={remove.error} testId="delete-error" />
      <p className="actions">
        {confirmingDelete ? (
          <>
            <button
              type="button"
              className="danger"
              data-testid="confirm-delete"
              disabled={remove.isPending}
              onClick={() => remove.mutate()}
            >
              Yes, delete it for good
            </button>
            <button type="button" className="secondary" onClick={() => setConfirmingDelete(false)}>
              Keep it
            </button>
          </>
        ) : (
          <button
            type="button"
            className="danger"
            data-testid="delete-bin"
            onClick={() => setConfirmingDelete(true)}
          >
            Delete this secret
          </button>
        )}
      </p>
    </Card>
  );
}
