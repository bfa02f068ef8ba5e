// The deployed site's response headers. S3 cannot set them, so a CloudFront viewer-response
// function (StaticSite's `edge.viewerResponse`) adds them to every answer. They come from the same
// function as the dev server's headers and the page's <meta> tags, so the three cannot disagree.
// Cache-Control goes on HTML only: every bin page is index.html and must never be cached, while
// the hashed JS and CSS files keep their long-lived caching.

const HTML_ONLY = new Set(["cache-control"]);

/** CloudFront Functions (cloudfront-js-2.0) code that runs inside `handler(event)`, before it returns the response. */
export function viewerResponseInjection(headers: Record<string, string>): string {
  const entries = Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value] as const);
  const set = (name: string, value: string) =>
    `headers[${JSON.stringify(name)}] = { value: ${JSON.stringify(value)} };`;
  return [
    "var headers = event.response.headers;",
    ...entries.filter(([name]) => !HTML_ONLY.has(name)).map(([name, value]) => set(name, value)),
    'var contentType = headers["content-type"] ? headers["content-type"].value : "";',
    'if (contentType.indexOf("text/html") === 0) {',
    ...entries.filter(([name]) => HTML_ONLY.has(name)).map(([name, value]) => `  ${set(name, value)}`),
    "}",
  ].join("\n");
}

/** Two years, the value HSTS preload lists ask for; browsers then refuse plain HTTP to the site. */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;

/**
 * The CloudFront response headers policy (`aws.cloudfront.ResponseHeadersPolicy` args). CloudFront
 * skips viewer-response functions when the origin answers 400 or more, so the function above
 * cannot put headers on a 403 or 404; a response headers policy applies to every response,
 * whatever its status. It carries HSTS and the status-independent headers, each overriding what
 * the origin sends. Cache-Control stays with the function (HTML only).
 */
export function responseHeadersPolicy(headers: Record<string, string>) {
  const header = (name: string) => {
    const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
    if (!found) throw new Error(`The site's headers lack ${name}.`);
    return found[1];
  };
  return {
    securityHeadersConfig: {
      strictTransportSecurity: {
        accessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS,
        includeSubdomains: true,
        preload: false,
        override: true,
      },
      contentSecurityPolicy: { contentSecurityPolicy: header("content-security-policy"), override: true },
      referrerPolicy: { referrerPolicy: header("referrer-policy"), override: true },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: "DENY", override: true },
    },
  };
}
