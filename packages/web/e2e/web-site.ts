import { readdir, readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { contentSecurityPolicy, securityHeaders } from "../security-headers";

// The browser tests load the web app as it ships: the production build (`vite build`, what
// CloudFront serves), made once per test run, served by a small static server with the deployed
// site's headers. The dev server compiled hundreds of modules on each file's first page load and
// every fresh browser context fetched them again; the build is three files.
//
// The API and objects (S3) origins are build-time inputs (VITE_API_URL, VITE_OBJECTS_URL: inlined
// in the script and written into the CSP <meta> by vite.config.ts), but every test file has its own
// stack on its own random ports. So the run builds once with placeholder origins, and each file's
// server puts its real origins in their place as it loads the files. Nothing else differs from the
// shipped artifact, and serveWebSite checks that the page's CSP then reads exactly what the
// deployed site's policy would for those origins.

const apiPlaceholder = "http://coffer-api.invalid";
const objectsPlaceholder = "http://coffer-objects.invalid";

/** packages/web, this file's package. */
const webRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Builds packages/web for production into `outDir`, with placeholder origins (see above). */
export async function buildWebSite(outDir: string): Promise<void> {
  const { build } = await import("vite");
  // vite.config.ts reads the origins from the environment, as SST StaticSite sets them for a
  // deploy. vitest sets NODE_ENV=test, which would give React's development build: the shipped
  // one is built with NODE_ENV=production, as `npm run build` does.
  const saved = { ...process.env };
  process.env.VITE_API_URL = apiPlaceholder;
  process.env.VITE_OBJECTS_URL = objectsPlaceholder;
  process.env.NODE_ENV = "production";
  try {
    await build({
      root: webRoot,
      configFile: join(webRoot, "vite.config.ts"),
      mode: "production",
      logLevel: "error",
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    for (const name of ["VITE_API_URL", "VITE_OBJECTS_URL", "NODE_ENV"]) restore(name, saved[name]);
  }
}

function restore(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};
const textTypes = new Set([".html", ".js", ".css", ".json", ".svg", ".txt"]);

export interface WebSite {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a build from buildWebSite on a random port of 127.0.0.1, pointed at one stack: the
 * production security headers (the strict CSP, no dev-server websocket) on every answer,
 * Cache-Control: no-store on HTML as the deployed site sends it (other files may be kept: the
 * built script's name carries its content hash),
 * and index.html for the app's routes (/b/…, /r/…, /admin/…), as a single-page app's host does.
 */
export async function serveWebSite(options: {
  dist: string;
  apiUrl: string;
  /** The S3-compatible server for large bin contents; the CSP allows it only when given. */
  objectsUrl?: string;
}): Promise<WebSite> {
  if (!options.dist)
    throw new Error(
      "No web build: browser tests belong to the e2e project, whose global setup builds packages/web (vitest.config.ts).",
    );
  const files = await loadBuild(options);
  const headers = securityHeaders(options.apiUrl, { objectsUrl: options.objectsUrl });
  const { "Cache-Control": htmlCaching, ...everyAnswer } = headers;
  const index = files.get("/index.html")!;

  const server = createServer((request, response) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { ...everyAnswer, Allow: "GET, HEAD" }).end();
      return;
    }
    const path = new URL(request.url ?? "/", "http://site").pathname;
    // A route of the app has no file extension; a missing file that has one is a real 404.
    const file = files.get(path) ?? (extname(path) === "" ? index : undefined);
    if (!file) {
      response.writeHead(404, { ...everyAnswer, "Content-Type": "text/plain; charset=utf-8" });
      response.end(request.method === "HEAD" ? undefined : "not found");
      return;
    }
    const html = file.type.startsWith("text/html");
    response.writeHead(200, {
      ...everyAnswer,
      "Content-Type": file.type,
      "Content-Length": file.body.length,
      "Cache-Control": html ? htmlCaching : "public, max-age=31536000, immutable",
    });
    response.end(request.method === "HEAD" ? undefined : file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections(); // Chromium keeps idle sockets open
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

interface SiteFile {
  type: string;
  body: Buffer;
}

/** Reads the build into memory with this stack's origins in place of the placeholders. */
async function loadBuild(options: { dist: string; apiUrl: string; objectsUrl?: string }) {
  const api = new URL(options.apiUrl);
  const files = new Map<string, SiteFile>();
  let apiUrlInScript = false;
  for (const entry of await readdir(options.dist, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const urlPath = `/${relative(options.dist, full).split(sep).join("/")}`;
    const ext = extname(entry.name);
    let body = await readFile(full);
    if (textTypes.has(ext)) {
      let text = body.toString("utf8");
      if (ext === ".html") {
        // The CSP <meta> names origins only; without an objects server it names none for it.
        text = text.replaceAll(apiPlaceholder, api.origin);
        text = options.objectsUrl
          ? text.replaceAll(objectsPlaceholder, new URL(options.objectsUrl).origin)
          : text.replaceAll(` ${objectsPlaceholder}`, "");
      } else {
        apiUrlInScript ||= ext === ".js" && text.includes(apiPlaceholder);
        text = text.replaceAll(apiPlaceholder, options.apiUrl);
      }
      if (text.includes(apiPlaceholder) || text.includes(objectsPlaceholder))
        throw new Error(`${urlPath} still names a placeholder origin after substitution.`);
      body = Buffer.from(text, "utf8");
    }
    files.set(urlPath, { type: contentTypes[ext] ?? "application/octet-stream", body });
  }
  if (!files.has("/index.html"))
    throw new Error(`${options.dist} holds no index.html: is it a build of packages/web?`);
  // If the app stopped inlining VITE_API_URL, or vite.config.ts changed the <meta>, substitution
  // would silently serve a page unlike the deployed one: refuse instead.
  if (!apiUrlInScript)
    throw new Error(
      `No script of ${options.dist} holds ${apiPlaceholder}: how does the app find its API now?`,
    );
  const meta = files
    .get("/index.html")
    ?.body.toString("utf8")
    .match(/http-equiv="Content-Security-Policy" content="([^"]*)"/)?.[1];
  const expected = contentSecurityPolicy(options.apiUrl, { objectsUrl: options.objectsUrl }).replace(
    "; frame-ancestors 'none'",
    "",
  );
  if (meta?.replaceAll("&#39;", "'") !== expected)
    throw new Error(
      `The built page's CSP <meta> is not the deployed policy: ${meta} (expected ${expected}).`,
    );
  return files;
}
