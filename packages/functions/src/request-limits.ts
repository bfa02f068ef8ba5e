// What one HTTP request may carry, as data that the handlers (which refuse) and @coffer/client
// (which never builds such a request) both read. Pure, like routes.ts: the web bundle imports it.
import { limits } from "@coffer/core/config";

const KiB = 1024;

/** Procedures whose input is `{ items: [...] }`: each item counts towards maxItemsPerRequest. */
export const batchProcedures: readonly string[] = ["crypto.encryptBatch", "crypto.decryptBatch"];

/**
 * The most an answer can add to what the request carried in, per item: an envelope header (key
 * name, wrapped key, the context again, JSON-escaped) for encrypt, the tRPC wrapping for the rest.
 * records.get answers with a stored record that the request did not carry.
 */
const answerAllowanceBytes = 24 * KiB;
const recordAnswerBytes = Math.ceil((limits.maxRecordPlaintextBytes * 4) / 3) + answerAllowanceBytes;
const answerBytesOf: Readonly<Record<string, number>> = {
  "records.get": recordAnswerBytes,
};

/**
 * How many items a call counts for: its items for a batch procedure, else one. A single batch over
 * its own cap counts as full, so that its schema refuses it with the field's path.
 */
export function itemsOf(path: string, input: unknown): number {
  if (!batchProcedures.includes(path)) return 1;
  const items = (input as { items?: unknown } | null | undefined)?.items;
  return Array.isArray(items) ? Math.min(Math.max(items.length, 1), limits.maxBatchItems) : 1;
}

/** An upper estimate of the answer: what came in (an answer can echo it), plus each item's allowance. */
export function estimatedAnswerBytes(requestBytes: number, calls: { path: string; items: number }[]): number {
  return calls.reduce(
    (sum, call) => sum + call.items * (answerBytesOf[call.path] ?? answerAllowanceBytes),
    requestBytes,
  );
}

/**
 * For @coffer/client: a call that goes alone rather than in a batch. Batch procedures and records
 * (large answers) go alone, and so does any input larger than this many bytes of JSON, so that a
 * batch of maxCallsPerRequest small calls always fits every limit above.
 */
export const batchableInputBytes = 64 * KiB;
export const goesAlone = (path: string) => batchProcedures.includes(path) || path in answerBytesOf;
