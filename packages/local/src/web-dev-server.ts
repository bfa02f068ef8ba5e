import { join } from "node:path";
import { createServer, type ViteDevServer } from "vite";
import { repoRoot } from "./repo-root";

/** The Vite dev server for packages/web, pointed at a gateway. */
export async function startWebDevServer(options: {
  apiUrl: string;
  /** The S3-compatible server that large secrets go to and come from (the page's CSP allows it). */
  objectsUrl?: string;
  port?: number;
  root?: string;
}): Promise<{ url: string; close(): Promise<void> }> {
  // vite.config.ts and import.meta.env both read VITE_API_URL (and VITE_OBJECTS_URL) from the environment.
  process.env.VITE_API_URL = options.apiUrl;
  if (options.objectsUrl) process.env.VITE_OBJECTS_URL = options.objectsUrl;
  const webRoot = join(options.root ?? repoRoot, "packages/web");
  const server: ViteDevServer = await createServer({
    root: webRoot,
    configFile: join(webRoot, "vite.config.ts"),
    logLevel: "warn",
    clearScreen: false,
    server: { host: "127.0.0.1", port: options.port ?? 0, strictPort: options.port !== undefined },
  });
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}
