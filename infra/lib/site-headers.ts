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
