import { type BinPayload } from "@coffer/sealing/bins";
import { limits } from "@coffer/client";

// What the person typed or picked, turned into the payload that gets encrypted.

/** Room for the payload's small header and GCM's 16-byte tag inside the API's limits. */
const OVERHEAD_BYTES = 16 + 1024;
/** Texts travel inside the API request; files above that size go to object storage. */
export const maxTextBytes = limits.maxBinCiphertextBytes - OVERHEAD_BYTES;
export const maxFileBytes = limits.maxBinObjectBytes - OVERHEAD_BYTES;

export interface ContentDraft {
  text: string;
  file: File | null;
}

export const emptyDraft: ContentDraft = { text: "", file: null };

export const describeSize = (bytes: number) =>
  bytes < 1024
    ? `${bytes} bytes`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export const isEmptyDraft = (draft: ContentDraft) => !draft.file && !draft.text.trim();

/** What is wrong with the draft's size, in words that say what to do; undefined if it fits. */
export function sizeProblem(draft: ContentDraft, maxFile = maxFileBytes): string | undefined {
  if (draft.file) {
    return draft.file.size > maxFile
      ? `The file is ${describeSize(draft.file.size)}; a secret holds at most ${describeSize(maxFile)}. Choose a smaller file.`
      : undefined;
  }
  if (new TextEncoder().encode(draft.text).length > maxTextBytes)
    return `The text is too long: a secret holds at most ${describeSize(maxTextBytes)} of text. Shorten it, or share it as a file.`;
  return undefined;
}

/** For forms whose content travels inside one API request (request links): empty or too big. */
export function draftProblem(draft: ContentDraft): string | undefined {
  if (isEmptyDraft(draft)) return "Type a secret or choose a file.";
  return sizeProblem(draft, maxTextBytes);
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
