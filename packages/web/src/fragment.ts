// The fragment carries a bin's secrets. Browsers never send it to a server, but anything that
// records location.href (history sync, URL shorteners, screenshots of the address bar) would keep
// it. It stays in the address bar until the reader reveals the secret, so that a reload, a restored
// tab or a bookmark still works before then (security-facts.md), and leaves it right after.
// It lives nowhere else: never in storage, a request, a log or a Referer.

export function readFragment(): string {
  return window.location.hash.replace(/^#/, "");
}

/** Takes the secrets out of the address bar (and this history entry): the reveal has used them. */
export function forgetFragment(): void {
  if (window.location.hash)
    window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search);
}
