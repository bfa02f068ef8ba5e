import { useId } from "react";
import { type ContentDraft, describeSize, maxFileBytes, sizeProblem } from "../bins/content";

/** The secret itself: a text, or a file in its place. */
export function ContentInput({
  draft,
  onChange,
  textLabel = "Secret",
  maxFile = maxFileBytes,
}: {
  draft: ContentDraft;
  onChange(draft: ContentDraft): void;
  textLabel?: string;
  /** Where the content must travel inside one request (request links), less than a bin's file limit. */
  maxFile?: number;
}) {
  const id = useId();
  return (
    <>
      <label htmlFor={`${id}-text`}>{textLabel}</label>
      <textarea
        id={`${id}-text`}
        data-testid="secret-text"
        value={draft.text}
        disabled={draft.file !== null}
        placeholder={
          draft.file
            ? "A file is chosen: it will be shared instead of text."
            : "Paste a password, a key, a note…"
        }
        onChange={(event) => onChange({ ...draft, text: event.target.value })}
        autoComplete="off"
        spellCheck={false}
      />
      <label htmlFor={`${id}-file`}>…or a file (at most {describeSize(maxFile)})</label>
      <div className="row file-row">
        <input
          id={`${id}-file`}
          type="file"
          data-testid="secret-file"
          onChange={(event) => onChange({ ...draft, file: event.target.files?.[0] ?? null })}
        />
        {draft.file && (
          <button type="button" className="secondary" onClick={() => onChange({ ...draft, file: null })}>
            Use text instead
          </button>
        )}
      </div>
      <SizeProblem draft={draft} maxFile={maxFile} />
    </>
  );
}

/** An optional passphrase that the reader must also know; it never leaves the browser. */
export function PassphraseInput({
  value,
  onChange,
  label,
  testId,
  autoComplete = "new-password",
}: {
  value: string;
  onChange(value: string): void;
  label: string;
  testId: string;
  autoComplete?: string;
}) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="password"
        data-testid={testId}
        value={value}
        autoComplete={autoComplete}
        onChange={(event) => onChange(event.target.value)}
      />
    </>
  );
}

/** Too big a text or file: said in red and announced, the same way for both. */
function SizeProblem({ draft, maxFile }: { draft: ContentDraft; maxFile: number }) {
  const problem = sizeProblem(draft, maxFile);
  return (
    <p className="error" role="alert" data-testid="size-problem" hidden={!problem}>
      {problem}
    </p>
  );
}
