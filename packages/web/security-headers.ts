// The page's security policy, as one function so that the dev server's headers and the built
// page's <meta> tags cannot disagree. No inline script or style, no third-party origin: only this
// site, the Coffer API and the bucket that large secrets' ciphertext goes to through presigned
// URLs (DESIGN §6; one-time-secret pitfalls in security-facts.md).

export interface PolicyOptions {
  /** Allows Vite's HMR websocket. */
  devServer?: boolean;
  /** The bins bucket's endpoint (its origin only is allowed). */
  objectsUrl?: string | undefined;
}

export function contentSecurityPolicy(apiUrl: string, options: PolicyOptions = {}): string {
  const api = new URL(apiUrl).origin;
  const objects = options.objectsUrl ? [new URL(options.objectsUrl).origin] : [];
  const connect = ["'self'", api, ...objects, ...(options.devServer ? ["ws:"] : [])].join(" ");
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** `devServer` allows Vite's HMR websocket; the deployed site (infra/web.ts) sends the strict form. */
export function securityHeaders(apiUrl: string, options: PolicyOptions = {}): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(apiUrl, options),
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  };
}
