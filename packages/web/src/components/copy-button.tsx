import { useEffect, useState } from "react";

/** Copies `value` to the clipboard; where the clipboard is refused, says how to copy by hand. */
export function CopyButton({
  value,
  label = "Copy",
  testId,
}: {
  value: string;
  label?: string;
  testId?: string;
}) {
  const [state, setState] = useState<"idle" | "copied" | "refused">("idle");
  useEffect(() => {
    if (state !== "copied") return;
    const timer = setTimeout(() => setState("idle"), 2_000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = () =>
    navigator.clipboard.writeText(value).then(
      () => setState("copied"),
      () => setState("refused"),
    );

  return (
    <button type="button" className="secondary" onClick={copy} data-testid={testId}>
      {state === "copied" ? "Copied" : state === "refused" ? "Select and press Ctrl+C" : label}
    </button>
  );
}

/** A read-only link with its copy button. */
export function LinkField({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div>
      <label htmlFor={testId}>{label}</label>
      <div className="link">
        <input
          id={testId}
          type="text"
          readOnly
          value={value}
          data-testid={testId}
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton value={value} testId={`${testId}-copy`} />
      </div>
    </div>
  );
}
