import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC, useTRPCClient } from "../api";
import { ApiError } from "../components/api-error";
import { Confirm } from "./confirm";
import { formatCount } from "./format";

// Raising a key's minimum decryption version makes every stored record below it unreadable. Before
// asking, the console counts them (admin.keys.countRecordsBelowVersion reads the table a page per
// call), so the confirmation says how many.

export function RaiseMinimum({
  keyName,
  currentVersion,
  minDecryptionVersion,
  onClose,
}: {
  keyName: string;
  currentVersion: number;
  minDecryptionVersion: number;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [versionText, setVersionText] = useState(String(currentVersion));
  const [progress, setProgress] = useState({ below: 0, ofKey: 0 });
  const target = /^\d+$/.test(versionText) ? Number(versionText) : undefined;
  const isValid = target !== undefined && target > minDecryptionVersion && target <= currentVersion;

  const count = useMutation({
    mutationFn: async (belowVersion: number) => {
      let cursor: string | undefined;
      const total = { below: 0, ofKey: 0 };
      setProgress(total);
      do {
        const page = await client.admin.keys.countRecordsBelowVersion.query({
          keyName,
          belowVersion,
          ...(cursor ? { cursor } : {}),
        });
        total.below += page.below;
        total.ofKey += page.ofKey;
        setProgress({ ...total });
        cursor = page.cursor ?? undefined;
      } while (cursor);
      return { ...total, belowVersion };
    },
  });
  const raise = useMutation(
    trpc.admin.keys.setMinDecryptionVersion.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.admin.keys.list.queryKey() });
        onClose();
      },
    }),
  );

  if (count.data && count.data.belowVersion === target) {
    const { below, ofKey } = count.data;
    return (
      <Confirm
        testId="raise-confirm"
        confirmLabel={`Raise to v${target}`}
        busy={raise.isPending}
        onConfirm={() => raise.mutate({ keyName, minDecryptionVersion: target })}
        onCancel={onClose}
      >
        <p data-testid="raise-impact">
          {below === 0
            ? `No stored record of “${keyName}” is below v${target}: nothing becomes unreadable.`
            : `${formatCount(below)} stored record${below === 1 ? "" : "s"} of “${keyName}” (of ${formatCount(
                ofKey,
              )}) would become unreadable. Run a rewrap campaign first to move them to v${currentVersion}.`}
        </p>
        <p className="muted">
          Envelopes kept outside Coffer below v{target} become unreadable too; they are not counted here.
        </p>
        <ApiError error={raise.error} testId="raise-error" />
      </Confirm>
    );
  }

  return (
    <form
      className="confirm"
      data-testid="raise-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (isValid) count.mutate(target);
      }}
    >
      <label htmlFor={`min-${keyName}`}>New minimum decryption version for “{keyName}”</label>
      <input
        id={`min-${keyName}`}
        type="number"
        min={minDecryptionVersion + 1}
        max={currentVersion}
        value={versionText}
        data-testid="raise-version"
        aria-invalid={!isValid}
        onChange={(event) => setVersionText(event.target.value)}
      />
      {!isValid && (
        <p className="error" role="alert">
          Choose a version above the present minimum (v{minDecryptionVersion}) and at most the current one (v
          {currentVersion}). Rotate the key first if they are the same.
        </p>
      )}
      {count.isPending && (
        <p className="muted" data-testid="raise-counting">
          Counting stored records… {formatCount(progress.ofKey)} of this key read so far.
        </p>
      )}
      <ApiError error={count.error} testId="count-error" />
      <p className="actions">
        <button type="submit" data-testid="raise-count" disabled={!isValid || count.isPending}>
          Count what would become unreadable
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Cancel
        </button>
      </p>
    </form>
  );
}
