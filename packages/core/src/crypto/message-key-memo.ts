// The message keys already derived from one cached data key, so that HKDF runs once per data key
// (and per context in derived mode) instead of once per message: at 1 KiB, HKDF was about half of
// an encrypt and most of a decrypt (docs/benchmarks.md). The memo lives and dies with its data key
// (key-lru.ts wipes both together).
import type { KeyObject } from "node:crypto";
import { deriveMessageKeys, type MessageKeys } from "./derive";
import type { AlgorithmId } from "./format";

/**
 * Old envelopes carry a salt per message, so a decrypt-side memo can see a new salt every time;
 * the bound keeps such a stream from growing memory (128 × 64 bytes of keys per data key).
 */
const MAX_MEMO_ENTRIES = 128;

export type MessageKeyMemo = Map<string, MessageKeys>;

export interface MessageKeySource {
  dataKeyObject: KeyObject;
  memo: MessageKeyMemo;
}

/**
 * The message keys for (salt, context) under this data key: from the memo, or derived and kept.
 * `id` must identify (salt, context) within this data key; the callers know which of the two is
 * fixed for their entry and build the cheapest id (envelope-crypto.ts). Keys are only ever used
 * synchronously (key-lru.ts useKey), so an evicted entry can be zero-filled at once.
 */
export function memoizedMessageKeys(
  source: MessageKeySource,
  id: string,
  salt: Uint8Array,
  algorithmId: AlgorithmId,
  contextBytes: Uint8Array,
): MessageKeys {
  const known = source.memo.get(id);
  if (known) return known;
  const keys = deriveMessageKeys(source.dataKeyObject, salt, algorithmId, contextBytes);
  if (source.memo.size >= MAX_MEMO_ENTRIES) {
    const [oldestId, oldest] = source.memo.entries().next().value as [string, MessageKeys];
    source.memo.delete(oldestId);
    oldest.bytes.fill(0);
  }
  source.memo.set(id, keys);
  return keys;
}

export function wipeMessageKeys(memo: MessageKeyMemo): void {
  for (const keys of memo.values()) keys.bytes.fill(0);
  memo.clear();
}
