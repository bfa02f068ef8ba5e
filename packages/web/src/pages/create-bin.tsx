import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { fromBase64url } from "@coffer/sealing/bins";
import { limits } from "@coffer/client";
import { useTRPCClient } from "../api";
import { type ContentDraft, draftProblem, emptyDraft } from "../bins/content";
import { ApiError } from "../components/api-error";
import { manageLink, shareLink } from "../bins/links";
import { sealDraft } from "../bins/seal";
import { ContentInput, PassphraseInput } from "../components/content-input";
import { LinkField } from "../components/copy-button";

const expiryChoices = [
  { seconds: 5 * 60, label: "5 minutes" },
  { seconds: 3600, label: "1 hour" },
  { seconds: 24 * 3600, label: "1 day" },
  { seconds: 7 * 24 * 3600, label: "7 days" },
  { seconds: 30 * 24 * 3600, label: "30 days" },
] as const;

interface CreateForm {
  draft: ContentDraft;
  expiresInSeconds: number;
  burnAfterRead: boolean;
  maxReads: number;
  passphrase: string;
}

/** Issue a key, encrypt here, send only ciphertext and proofs; the links are the only copies of the key. */
export function CreateBinPage() {
  const client = useTRPCClient();
  const [form, setForm] = useState<CreateForm>({
    draft: emptyDraft,
    expiresInSeconds: limits.defaultBinExpirySeconds,
    burnAfterRead: true,
    maxReads: 1,
    passphrase: "",
  });
  const problem = draftProblem(form.draft);

  const create = useMutation({
    mutationFn: async (input: CreateForm) => {
      const issued = await client.bins.issueKey.mutate();
      const key = fromBase64url(issued.key);
      try {
        const sealed = await sealDraft({
          key,
          binId: issued.binId,
          version: 1,
          draft: input.draft,
          passphrase: input.passphrase,
        });
        const maxReads = input.burnAfterRead ? 1 : input.maxReads;
        await client.bins.create.mutate({
          binId: issued.binId,
          wrappedKey: issued.wrappedKey,
          ...sealed.wire,
          manageCommitment: sealed.manageCommitment,
          expiresInSeconds: input.expiresInSeconds,
          maxReads,
        });
      } finally {
        key.fill(0);
      }
      const origin = window.location.origin;
      return {
        share: shareLink(origin, issued.binId, issued.key),
        manage: manageLink(origin, issued.binId, issued.key, issued.wrappedKey),
      };
    },
  });

  if (create.data) {
    return (
      <section className="card" data-testid="bin-created">
        <h2>Your secret is ready</h2>
        <p>
          Send the share link. It opens the secret{" "}
          {form.burnAfterRead ? "once" : `up to ${form.maxReads} times`}; opening the page alone reveals
          nothing.
        </p>
        <LinkField label="Share link" value={create.data.share} testId="share-link" />
        <p className="muted">
          Keep the manage link to yourself: anyone who has it can change or delete the secret.
        </p>
        <LinkField label="Manage link" value={create.data.manage} testId="manage-link" />
        <p>
          <a href="/">Create another secret</a>
        </p>
      </section>
    );
  }

  const set = (patch: Partial<CreateForm>) => setForm((current) => ({ ...current, ...patch }));
  return (
    <section className="card">
      <h2>Share a secret</h2>
      <p className="muted">
        It is encrypted in this browser. Coffer stores only ciphertext; the key travels in the link and never
        reaches the server.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!problem) create.mutate(form);
        }}
      >
        <ContentInput draft={form.draft} onChange={(draft) => set({ draft })} />
        <div className="row">
          <div>
            <label htmlFor="expiry">Expires after</label>
            <select
              id="expiry"
              data-testid="expiry"
              value={form.expiresInSeconds}
              onChange={(event) => set({ expiresInSeconds: Number(event.target.value) })}
            >
              {expiryChoices.map((choice) => (
                <option key={choice.seconds} value={choice.seconds}>
                  {choice.label}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="max-reads">Reveals allowed</label>
            <input
              id="max-reads"
              type="number"
              data-testid="max-reads"
              min={1}
              max={limits.maxBinReads}
              value={form.burnAfterRead ? 1 : form.maxReads}
              disabled={form.burnAfterRead}
              onChange={(event) =>
                set({
                  maxReads: Math.min(
                    limits.maxBinReads,
                    Math.max(1, Math.trunc(Number(event.target.value) || 1)),
                  ),
                })
              }
            />
          </div>
        </div>
        <label className="check">
          <input
            type="checkbox"
            data-testid="burn-after-read"
            checked={form.burnAfterRead}
            onChange={(event) => set({ burnAfterRead: event.target.checked })}
          />
          Burn after reading (delete it after the first reveal)
        </label>
        <PassphraseInput
          label="Passphrase (optional; tell it to the reader another way)"
          value={form.passphrase}
          onChange={(passphrase) => set({ passphrase })}
          testId="create-passphrase"
        />
        <ApiError error={create.error} testId="create-error" />
        <p className="actions">
          <button type="submit" data-testid="create-bin" disabled={create.isPending || !!problem}>
            {create.isPending ? "Encrypting…" : "Create the secret link"}
          </button>
          {problem && <span className={form.draft.file ? "error" : "muted"}>{problem}</span>}
        </p>
      </form>
    </section>
  );
}
