import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { createBin, limits } from "@coffer/client";
import { useTRPCClient } from "../api";
import { type ContentDraft, emptyDraft, isEmptyDraft, payloadOf, sizeProblem } from "../bins/content";
import { ApiError } from "../components/api-error";
import { ContentInput, PassphraseInput } from "../components/content-input";
import { LinkField } from "../components/copy-button";
import { When } from "../components/when";

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
  /** As typed: the field may be empty or half-typed while the person edits it. */
  maxReadsText: string;
  passphrase: string;
}

/** The reads the field allows, or undefined (with the reason shown) when it is not a whole number in range. */
function parseMaxReads(text: string): number | undefined {
  const value = Number(text.trim());
  return /^\d+$/.test(text.trim()) && value >= 1 && value <= limits.maxBinReads ? value : undefined;
}

/**
 * Issue a KMS key, add a secret of this browser's own, encrypt here, send only ciphertext and
 * hashes of proofs: the links are the only copies of the secrets.
 */
export function CreateBinPage() {
  const client = useTRPCClient();
  const [form, setForm] = useState<CreateForm>({
    draft: emptyDraft,
    expiresInSeconds: limits.defaultBinExpirySeconds,
    burnAfterRead: true,
    maxReadsText: "3",
    passphrase: "",
  });
  const maxReads = form.burnAfterRead ? 1 : parseMaxReads(form.maxReadsText);
  const blocked = isEmptyDraft(form.draft) || !!sizeProblem(form.draft) || maxReads === undefined;

  const create = useMutation({
    mutationFn: async (input: CreateForm & { maxReads: number }) => {
      const created = await createBin(client, {
        payload: await payloadOf(input.draft),
        passphrase: input.passphrase,
        expiresInSeconds: input.expiresInSeconds,
        maxReads: input.maxReads,
        origin: window.location.origin,
      });
      return { ...created, maxReads: input.maxReads };
    },
  });

  if (create.data) {
    return (
      <section className="card" data-testid="bin-created">
        <h2>Your secret is ready</h2>
        <p>
          Send the share link. It opens the secret{" "}
          {create.data.maxReads === 1 ? "once" : `up to ${create.data.maxReads} times`}; opening the page
          alone reveals nothing.
        </p>
        <p data-testid="created-expiry">
          It expires on <When epochSeconds={create.data.expiresAt} />.
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
        It is encrypted in this browser. The link carries two keys after the “#”, which browsers never send:
        one that Coffer’s KMS issued, and one that this browser made and Coffer never sees. Coffer stores only
        ciphertext, so neither Coffer nor anyone who runs it can read the secret.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!blocked && maxReads !== undefined) create.mutate({ ...form, maxReads });
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
              type="text"
              inputMode="numeric"
              data-testid="max-reads"
              value={form.burnAfterRead ? "1" : form.maxReadsText}
              disabled={form.burnAfterRead}
              aria-invalid={maxReads === undefined}
              aria-describedby="max-reads-problem"
              onChange={(event) => set({ maxReadsText: event.target.value })}
            />
          </div>
        </div>
        <p
          className="error"
          role="alert"
          id="max-reads-problem"
          data-testid="max-reads-problem"
          hidden={maxReads !== undefined}
        >
          Reveals allowed: type a whole number from 1 to {limits.maxBinReads}.
        </p>
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
          <button type="submit" data-testid="create-bin" disabled={create.isPending || blocked}>
            {create.isPending ? "Encrypting…" : "Create the secret link"}
          </button>
          {isEmptyDraft(form.draft) && <span className="muted">Type a secret or choose a file.</span>}
        </p>
      </form>
    </section>
  );
}
