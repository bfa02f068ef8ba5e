// What both key caches share: a bounded map (least recently used goes first) of plaintext data
// keys that may still be on their way from KMS, and the rule for wiping them. A key is zero-filled
// when it leaves the cache, but only once no caller holds it, so an encrypt that started with a
// key never finishes with a zeroed one.
import { createSecretKey, type KeyObject } from "node:crypto";
import { wipeMessageKeys, type MessageKeyMemo } from "./message-key-memo";

const SWEEP_INTERVAL_MS = 1_000;

export interface KeyMaterial {
  /** Zero-filled when the key leaves the cache. */
  dataKey: Buffer;
  /**
   * The same key as a KeyObject, for HKDF. hkdfSync turns a Buffer into a fresh KeyObject (a
   * native copy of the key) on every call; one per cached key means fewer copies and ~2 µs less
   * per message. Node clears a KeyObject's memory when it is collected; we drop ours on eviction.
   */
  dataKeyObject: KeyObject;
  wrappedKey: Buffer;
  /** Message keys derived from this data key (message-key-memo.ts); zero-filled with it. */
  memo: MessageKeyMemo;
}

export function keyMaterial(dataKey: Buffer, wrappedKey: Buffer): KeyMaterial {
  return { dataKey, dataKeyObject: createSecretKey(dataKey), wrappedKey, memo: new Map() };
}

/** Zero-fills the data key and every message key derived from it. */
export function wipeMaterial(material: KeyMaterial): void {
  material.dataKey.fill(0);
  wipeMessageKeys(material.memo);
}

export interface CachedKey {
  /** Set when KMS answers; until then callers wait on `ready`. */
  material: KeyMaterial | undefined;
  ready: Promise<void>;
  /** Clock time at which KMS answered; the key may serve until createdAtMs + maxAgeMs. */
  createdAtMs: number;
  maxAgeMs: number;
  /** Messages and plaintext bytes promised to callers so far (the encryption cache counts them). */
  messages: number;
  bytes: number;
  /** Callers that reserved this key and have not finished using it. */
  holders: number;
  retired: boolean;
}

/**
 * Starts fetching a key. `fetch` runs now; a failure rejects `ready` for every waiter and calls
 * `onFailure` so the caller can drop the entry: a failed KMS call is never cached.
 */
export function fetchKey(
  fetch: () => Promise<KeyMaterial>,
  { now, maxAgeMs, onFailure }: { now: () => number; maxAgeMs: number; onFailure: () => void },
): CachedKey {
  const entry: CachedKey = {
    material: undefined,
    ready: Promise.resolve(),
    createdAtMs: Number.NaN,
    maxAgeMs,
    messages: 0,
    bytes: 0,
    holders: 0,
    retired: false,
  };
  entry.ready = fetch().then(
    (material) => {
      entry.material = material;
      entry.createdAtMs = now();
      if (entry.retired && entry.holders === 0) wipe(entry);
    },
    (error: unknown) => {
      entry.retired = true;
      onFailure();
      throw error;
    },
  );
  return entry;
}

/**
 * Holds the key for the duration of `use`, which must be synchronous: nothing can retire and wipe
 * the key between the await and the use. The caller reserves (holders++) before calling. A key
 * already in hand is used at once, without a promise: that is the common case, on every encrypt.
 */
export function useKey<T>(entry: CachedKey, use: (material: KeyMaterial) => T): T | Promise<T> {
  if (entry.material === undefined) return useWhenReady(entry, use);
  try {
    return use(entry.material);
  } finally {
    release(entry);
  }
}

/** A key that policy says not to keep: fetched, used once, and zeroed as soon as `use` returns. */
export async function useOnce<T>(
  fetch: () => Promise<KeyMaterial>,
  use: (material: KeyMaterial) => T,
): Promise<T> {
  const material = await fetch();
  try {
    return use(material);
  } finally {
    wipeMaterial(material);
  }
}

async function useWhenReady<T>(entry: CachedKey, use: (material: KeyMaterial) => T): Promise<T> {
  try {
    await entry.ready;
    return use(entry.material!);
  } finally {
    release(entry);
  }
}

function release(entry: CachedKey): void {
  entry.holders--;
  if (entry.retired && entry.holders === 0) wipe(entry);
}

/** A key still on its way from KMS is not expired: its age starts when it arrives. */
export function isExpired(entry: CachedKey, nowMs: number): boolean {
  return entry.material !== undefined && nowMs - entry.createdAtMs >= entry.maxAgeMs;
}

function wipe(entry: CachedKey): void {
  if (entry.material) wipeMaterial(entry.material);
  entry.material = undefined;
}

export function createKeyLru(maxEntries: number) {
  if (!(maxEntries >= 1)) throw new RangeError("maxEntries must be at least 1");
  const entries = new Map<string, CachedKey>();
  let nextSweepAtMs = Number.NEGATIVE_INFINITY;
  // The hot case is one key used over and over: skip re-ordering the map when it is already last.
  let newestId: string | undefined;

  function retire(id: string, entry: CachedKey): void {
    if (entries.get(id) === entry) entries.delete(id);
    if (newestId === id) newestId = undefined;
    entry.retired = true;
    if (entry.holders === 0) wipe(entry);
  }

  /** Looks up and marks as most recently used. */
  function get(id: string): CachedKey | undefined {
    const entry = entries.get(id);
    if (entry && id !== newestId) {
      entries.delete(id);
      entries.set(id, entry);
      newestId = id;
    }
    return entry;
  }

  function add(id: string, entry: CachedKey): void {
    const previous = entries.get(id);
    if (previous) retire(id, previous);
    while (entries.size >= maxEntries) {
      const [oldestId, oldest] = entries.entries().next().value as [string, CachedKey];
      retire(oldestId, oldest);
    }
    entries.set(id, entry);
    newestId = id;
  }

  return {
    get,
    add,
    retire,
    /**
     * The lookup both caches share: the entry for `id` while `isUsable` says so (else it is retired),
     * or a new one whose `fetch` starts now, shared by concurrent misses and dropped if it fails.
     * The caller holds the entry (holders + 1) and hands it to useKey, which releases it.
     */
    acquire(
      id: string,
      options: {
        isUsable: (entry: CachedKey) => boolean;
        fetch: () => Promise<KeyMaterial>;
        now: () => number;
        maxAgeMs: number;
      },
    ): CachedKey {
      let entry = get(id);
      if (entry && !options.isUsable(entry)) {
        retire(id, entry);
        entry = undefined;
      }
      if (!entry) {
        const created: CachedKey = fetchKey(options.fetch, {
          now: options.now,
          maxAgeMs: options.maxAgeMs,
          onFailure: () => retire(id, created),
        });
        add(id, created);
        entry = created;
      }
      entry.holders += 1;
      return entry;
    },
    /**
     * Retires (and so zero-fills) keys past their age. There are no timers in core, so callers
     * run this on each use; it scans at most once per SWEEP_INTERVAL_MS of clock time.
     */
    sweepExpired(nowMs: number, force = false): void {
      if (!force && nowMs < nextSweepAtMs) return;
      nextSweepAtMs = nowMs + SWEEP_INTERVAL_MS;
      for (const [id, entry] of entries) if (isExpired(entry, nowMs)) retire(id, entry);
    },
    clear(): void {
      for (const [id, entry] of entries) retire(id, entry);
    },
    get size(): number {
      return entries.size;
    },
  };
}
