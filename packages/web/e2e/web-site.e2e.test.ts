import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { contentSecurityPolicy, securityHeaders } from "@coffer/web/security-headers";
import { serveWebSite, type WebSite } from "./web-site";

// The static server the browser tests load the app from: the run's production build with this
// stack's origins in place, the deployed site's headers, and the app's routes answered by index.html.
// (The e2e project's global setup makes the build; no browser is needed to check the server.)

const apiUrl = "http://127.0.0.1:45001";
const objectsUrl = "http://127.0.0.1:45002/bins";
const metaPolicy = (html: string) =>
  html.match(/http-equiv="Content-Security-Policy" content="([^"]*)"/)?.[1]?.replaceAll("&#39;", "'");

describe("with an objects server", () => {
  let site: WebSite;
  beforeAll(async () => {
    site = await serveWebSite({ dist: inject("webBuild"), apiUrl, objectsUrl });
  });
  afterAll(() => site?.close());

  test("the page and the app's routes are index.html, with the production headers", async () => {
    const production = securityHeaders(apiUrl, { objectsUrl });
    for (const path of ["/", "/index.html", "/b/AAAAAAAAAAAAAAAAAAAAAA", "/r/x", "/admin/keys"]) {
      const response = await fetch(`${site.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("content-security-policy")).toBe(production["Content-Security-Policy"]);
      expect(response.headers.get("content-security-policy")).not.toContain("ws:"); // no dev server
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("cache-control")).toBe("no-store");
      const html = await response.text();
      expect(html).toContain('<div id="root"></div>');
      expect(metaPolicy(html)).toBe(
        contentSecurityPolicy(apiUrl, { objectsUrl }).replace("; frame-ancestors 'none'", ""),
      );
      expect(html).not.toContain(".invalid");
    }
  });

  test("the built script is served as JavaScript, names this stack's API, and may be cached", async () => {
    const html = await (await fetch(site.url)).text();
    const script = html.match(/<script type="module" crossorigin src="([^"]+)"/)?.[1];
    expect(script).toMatch(/^\/assets\/index-[\w-]+\.js$/);
    const response = await fetch(`${site.url}${script}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(response.headers.get("content-security-policy")).toBeTruthy();
    const code = await response.text();
    // (Checked as booleans: a failure would otherwise print the whole bundle.)
    expect(code.includes(apiUrl)).toBe(true);
    expect(code.includes("coffer-api.invalid")).toBe(false);
    expect(code.includes("jsxDEV")).toBe(false); // React's production build, as shipped
    const styles = await fetch(`${site.url}/styles.css`);
    expect(styles.headers.get("content-type")).toBe("text/css; charset=utf-8");
  });

  test("a missing file is a 404 and anything but GET or HEAD a 405, both with the headers", async () => {
    const missing = await fetch(`${site.url}/assets/missing.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-security-policy")).toBeTruthy();
    const post = await fetch(site.url, { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    expect(post.headers.get("referrer-policy")).toBe("no-referrer");
    const head = await fetch(site.url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });
});

test("without an objects server, neither the header nor the page's policy names one", async () => {
  const site = await serveWebSite({ dist: inject("webBuild"), apiUrl });
  try {
    const response = await fetch(`${site.url}/b/x`);
    const expected = contentSecurityPolicy(apiUrl);
    expect(response.headers.get("content-security-policy")).toBe(expected);
    expect(metaPolicy(await response.text())).toBe(expected.replace("; frame-ancestors 'none'", ""));
    expect(expected).toContain(`connect-src 'self' ${apiUrl};`);
  } finally {
    await site.close();
  }
});

test("a folder that is not a build is refused", async () => {
  await expect(serveWebSite({ dist: inject("webBuild") + "/assets", apiUrl })).rejects.toThrow(
    /holds no index.html/,
  );
});
