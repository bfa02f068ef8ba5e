import { defineConfig, type Plugin } from "vite";
import { contentSecurityPolicy, securityHeaders } from "./security-headers.ts";

// A static site can't set headers on every host it lands on (CloudFront via SST, the dev server),
// so the policy also goes into the page as <meta> tags (frame-ancestors only works as a header).
function securityMeta(apiUrl: string, objectsUrl: string | undefined, devServer: boolean): Plugin {
  return {
    name: "coffer-security-meta",
    transformIndexHtml: () => [
      {
        tag: "meta",
        attrs: {
          "http-equiv": "Content-Security-Policy",
          content: contentSecurityPolicy(apiUrl, { devServer, objectsUrl }).replace(
            /; frame-ancestors 'none'/,
            "",
          ),
        },
        injectTo: "head-prepend",
      },
      { tag: "meta", attrs: { name: "referrer", content: "no-referrer" }, injectTo: "head-prepend" },
    ],
  };
}

export default defineConfig(({ command }) => {
  const apiUrl = process.env.VITE_API_URL ?? "http://127.0.0.1:3000";
  const objectsUrl = process.env.VITE_OBJECTS_URL;
  return {
    oxc: { jsx: { runtime: "automatic" } },
    plugins: [securityMeta(apiUrl, objectsUrl, command === "serve")],
    server: { headers: securityHeaders(apiUrl, { devServer: true, objectsUrl }), strictPort: true },
    preview: { headers: securityHeaders(apiUrl, { objectsUrl }) },
    build: { sourcemap: false },
  };
});
