// The fragment carries a bin's key. Browsers never send it to a server, but anything that records
// location.href (history sync, URL shorteners, screenshots of the address bar) would keep it, so it
// is read once, before the first render, and wiped from the address bar. From then on it lives only
// in memory: never in storage, a request, a log or a Referer.

export function takeFragment(): string {
  const fragment = window.location.hash.replace(/^#/, "");
  if (fragment)
    window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search);
  return fragment;
}
