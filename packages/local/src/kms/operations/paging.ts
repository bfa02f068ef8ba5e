// Marker-based paging for ListKeys, ListAliases and ListKeyRotations. A marker names the first item
// of the next page (not an index), so it survives keys being created or deleted between pages, and
// it carries the listing's name, so a marker from one listing is refused by another.
import { kmsError } from "../errors";

export interface Page<T> {
  items: T[];
  /** Only when truncated, as KMS sends it. */
  NextMarker?: string;
  Truncated: boolean;
}

export function paginate<T>(
  all: readonly T[],
  {
    listing,
    limit,
    marker,
    keyOf,
  }: { listing: string; limit: number; marker?: string; keyOf(item: T): string },
): Page<T> {
  const start = marker === undefined ? 0 : startIndex(all, listing, marker, keyOf);
  const items = all.slice(start, start + limit);
  const next = all[start + limit];
  return next === undefined
    ? { items, Truncated: false }
    : { items, NextMarker: encodeMarker(listing, keyOf(next)), Truncated: true };
}

function startIndex<T>(
  all: readonly T[],
  listing: string,
  marker: string,
  keyOf: (item: T) => string,
): number {
  const decoded = Buffer.from(marker, "base64url").toString("utf8");
  const prefix = `${listing}:`;
  if (encodeMarker(listing, decoded.slice(prefix.length)) !== marker || !decoded.startsWith(prefix))
    throw kmsError("InvalidMarkerException", "The marker is not valid for this request.");
  const firstKey = decoded.slice(prefix.length);
  // Items are sorted by key: start at the first one not before the marker's.
  const index = all.findIndex((item) => keyOf(item) >= firstKey);
  return index === -1 ? all.length : index;
}

const encodeMarker = (listing: string, key: string) =>
  Buffer.from(`${listing}:${key}`, "utf8").toString("base64url");
