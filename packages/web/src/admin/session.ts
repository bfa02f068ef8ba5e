// The admin token, for this tab only. It lives in sessionStorage (so a reload keeps you signed in,
// and closing the tab forgets it) and in no other place: never localStorage, a cookie, the URL or a
// log. It leaves the browser only in the Authorization header of the console's own API calls.

const KEY = "coffer.admin.token";

/** An admin token's shape (mint.ts): "coffer_" and base64url; anything else is refused unsent. */
export const TOKEN_SHAPE = /^coffer_[A-Za-z0-9_-]{20,200}$/;

export function readToken(): string | undefined {
  try {
    return window.sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined; // storage disabled: the token then lives in memory only (see useAdminSession)
  }
}

export function keepToken(token: string): void {
  try {
    window.sessionStorage.setItem(KEY, token);
  } catch {
    // Storage refused (private mode, policy): memory alone holds it until the page goes.
  }
}

export function forgetToken(): void {
  try {
    window.sessionStorage.removeItem(KEY);
  } catch {
    // Nothing was kept.
  }
}
