// The token service's memory of tokens whose secret matched: a bounded map, least recently read
// dropped first, each entry trusted for a fixed time from when it was stored, read against the
// service's clock (tests move it by hand). A Map keeps insertion order, which is all an LRU of
// 1,000 entries needs; it replaces the lru-cache package, 19 KB of every Lambda bundle (DESIGN §8).
import type { Clock } from "../clock";

export interface VerifiedCache<V> {
  /** The entry, if stored less than `ttlMs` ago; counts as a use (moves it to most recent). */
  get(key: string): V | undefined;
  /** Whether an entry stored less than `ttlMs` ago is there; not a use. */
  has(key: string): boolean;
  /** Stores (or replaces) an entry, its time starting now; drops the least recently used past `max`. */
  set(key: string, value: V): void;
  delete(key: string): void;
}

export function createVerifiedCache<V>({
  max,
  ttlMs,
  clock,
}: {
  max: number;
  ttlMs: number;
  clock: Clock;
}): VerifiedCache<V> {
  const entries = new Map<string, { value: V; storedAt: number }>();
  const fresh = (key: string) => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    // Stale once more than ttlMs have passed (as lru-cache's `ttl`, which this replaced).
    if (clock.now() - entry.storedAt > ttlMs) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    get(key) {
      const entry = fresh(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    has: (key) => fresh(key) !== undefined,
    set(key, value) {
      entries.delete(key);
      entries.set(key, { value, storedAt: clock.now() });
      if (entries.size > max) entries.delete(entries.keys().next().value!);
    },
    delete: (key) => void entries.delete(key),
  };
}
