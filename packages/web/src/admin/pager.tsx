import { useState } from "react";

// Paging through a list whose answers carry an opaque `cursor` to the next (older) page. The
// cursors of the pages already seen are kept, so "Newer" goes back without asking the server.

export function usePager() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  return {
    /** The cursor of the page to show (undefined: the first). */
    cursor,
    pageNumber: cursors.length,
    hasNewer: cursors.length > 1,
    older: (next: string) => setCursors((seen) => [...seen, next]),
    newer: () => setCursors((seen) => (seen.length > 1 ? seen.slice(0, -1) : seen)),
    /** Back to the first page (the filters changed). */
    reset: () => setCursors([undefined]),
  };
}

/** Newer / Older buttons for a paged list; nothing when everything fits on one page. */
export function Pages({
  pager,
  nextCursor,
}: {
  pager: ReturnType<typeof usePager>;
  nextCursor: string | null;
}) {
  if (!pager.hasNewer && !nextCursor) return null;
  return (
    <p className="actions">
      <button type="button" className="secondary" disabled={!pager.hasNewer} onClick={pager.newer}>
        ← Newer
      </button>
      <span className="muted">Page {pager.pageNumber}</span>
      <button
        type="button"
        className="secondary"
        disabled={!nextCursor}
        data-testid="page-older"
        onClick={() => nextCursor && pager.older(nextCursor)}
      >
        Older →
      </button>
    </p>
  );
}
