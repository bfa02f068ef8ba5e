import { useEffect, useState } from "react";
import type { BinPayload } from "@coffer/sealing/bins";
import { describeSize } from "../bins/content";
import { CopyButton } from "./copy-button";

/** The decrypted secret: a text with a copy button, or a file to download. */
export function RevealedContent({ payload }: { payload: BinPayload }) {
  if (payload.kind === "text") {
    return (
      <div className="revealed">
        <pre className="secret" data-testid="revealed-text">
          {payload.text}
        </pre>
        <CopyButton value={payload.text} label="Copy the secret" testId="copy-secret" />
      </div>
    );
  }
  return <RevealedFile name={payload.name} bytes={payload.bytes} />;
}

function RevealedFile({ name, bytes }: { name: string; bytes: Uint8Array }) {
  // Always a download, never rendered here: the sender chose the type, and a text/html file opened
  // from a blob: URL would run as this site. A blob: URL lives in this tab only. Made in the effect
  // (not a memo) so that the cleanup, which StrictMode runs once on mount, never leaves a revoked URL.
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    const made = URL.createObjectURL(
      new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" }),
    );
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [bytes]);
  if (!url) return null;
  return (
    <div className="revealed">
      <p data-testid="revealed-file">
        <strong>{name}</strong> <span className="muted">({describeSize(bytes.length)})</span>
      </p>
      <a className="button" href={url} download={name || "secret.bin"} data-testid="download-file">
        Download the file
      </a>
    </div>
  );
}
