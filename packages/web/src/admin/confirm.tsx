import { type ReactNode, useEffect, useRef } from "react";

/**
 * An inline confirmation for an action that cannot be undone: it says what will happen, focuses
 * "Cancel" (so Enter alone does nothing harmful) and answers Escape with cancel.
 */
export function Confirm({
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  busy = false,
  testId,
}: {
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  testId: string;
}) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div
      className="confirm"
      role="alertdialog"
      aria-label={confirmLabel}
      data-testid={testId}
      onKeyDown={(event) => {
        if (event.key === "Escape") onCancel();
      }}
    >
      <div>{children}</div>
      <p className="actions">
        <button
          type="button"
          className="danger"
          onClick={onConfirm}
          disabled={busy}
          data-testid={`${testId}-yes`}
        >
          {busy ? "Working…" : confirmLabel}
        </button>
        <button
          type="button"
          className="secondary"
          ref={cancel}
          onClick={onCancel}
          data-testid={`${testId}-no`}
        >
          Cancel
        </button>
      </p>
    </div>
  );
}
