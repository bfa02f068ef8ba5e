import { useMutation, useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { useTRPC, useTRPCClient } from "../api";
import { type ContentDraft, draftProblem, emptyDraft } from "../bins/content";
import { parseManageFragment } from "../bins/links";
import { sealDraft } from "../bins/seal";
import { ApiError } from "../components/api-error";
import { BinFacts } from "../components/bin-facts";
import { lookUpBin } from "../components/bin-lookup";
import { ContentInput, PassphraseInput } from "../components/content-input";

function Card({ children }: { children: ReactNode }) {
  return (
    <section className="card">
      <h2>Manage your secret</h2>
      {children}
    </section>
  );
}

/** The owner's page: the wrapped key in the fragment is the proof that lets the server accept a change. */
export function ManageBinPage({ binId, fragment }: { binId: string; fragment: string }) {
  const proof = parseManageFragment(fragment);
  if (!proof) {
    return (
      <Card>
        <p className="error" data-testid="bin-error">
          This manage link is incomplete: the part after “#” is missing or damaged. Copy the whole manage link
          again.
        </p>
      </Card>
    );
  }
  return <ManageBin binId={binId} binKey={proof.key} wrappedKey={proof.wrappedKey} />;
}

function ManageBin({ binId, binKey, wrappedKey }: { binId: string; binKey: Uint8Array; wrappedKey: string }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const metadata = useQuery(trpc.bins.get.queryOptions({ binId }));
  const [draft, setDraft] = useState<ContentDraft>(emptyDraft);
  const [passphrase, setPassphrase] = useState("");
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const problem = draftProblem(draft);

  const update = useMutation({
    // A fresh IV under the same key, for the next version; the server accepts it only from the version read.
    mutationFn: async (version: number) => {
      const sealed = await sealDraft({ key: binKey, binId, version: version + 1, draft, passphrase });
      return client.bins.update.mutate({ binId, wrappedKey, version, ...sealed.wire });
    },
    onSuccess: () => {
      setDraft(emptyDraft);
      void metadata.refetch();
    },
  });
  const remove = useMutation({ mutationFn: () => client.bins.delete.mutate({ binId, wrappedKey }) });

  if (remove.data) {
    return (
      <Card>
        <p className="ok" data-testid="bin-deleted">
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
  return (
    <Card>
      <BinFacts bin={meta} />
      <p className="muted" data-testid="bin-version">
        Version {meta.version}
      </p>
      {update.data && (
        <p className="ok" data-testid="bin-updated">
          Saved. Readers now get the new content (version {update.data.version}); the share link stays the
          same.
        </p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!problem) update.mutate(meta.version);
        }}
      >
        <h3>Replace the content</h3>
        <ContentInput draft={draft} onChange={setDraft} textLabel="New secret" />
        <PassphraseInput
          label="Passphrase for readers (optional; empty means none)"
          value={passphrase}
          onChange={setPassphrase}
          testId="update-passphrase"
        />
        <ApiError error={update.error} testId="update-error" />
        <p className="actions">
          <button type="submit" data-testid="update-bin" disabled={update.isPending || !!problem}>
            {update.isPending ? "Encrypting…" : "Save the new content"}
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
