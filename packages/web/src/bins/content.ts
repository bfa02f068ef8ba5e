import { type BinPayload } from "@coffer/sealing/bins";
import { limits } from "@coffer/client";

// What the person typed or picked, turned into the payload that gets encrypted.

/** Room for the payload's small header and GCM's 16-byte tag inside the API's ciphertext limit. */
export const maxFileBytes = limits.maxBinCiphertextBytes - 16 - 1024;

export interface ContentDraft {
  text: string;
  file: File | null;
}

export const emptyDraft: ContentDraft = { text: "", file: null };

export const describeSize = (bytes: number) =>
  bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KiB`;

/** Checks the draft before any work, and says what to fix. */
export function draftProblem(draft: ContentDraft): string | undefined {
  if (draft.file) {
    return draft.file.size > maxFileBytes
      ? `The file is ${describeSize(draft.file.size)}; a bin holds at most ${describeSize(maxFileBytes)}.`
      : undefined;
  }
  if (!draft.text.trim()) return "Type a secret or choose a file.";
  if (new TextEncoder().encode(draft.text).length > maxFileBytes)
    return `The text is too long: a bin holds at most ${describeSize(maxFileBytes)}.`;
  return undefined;
}

export async function payloadOf(draft: ContentDraft): Promise<BinPayload> {
  if (!draft.file) return { kind: "text", text: draft.text };
  return {
    kind: "file",
    name: draft.file.name,
    type: draft.file.type || "application/octet-stream",
    bytes: new Uint8Array(await draft.file.arrayBuffer()),
  };
}
