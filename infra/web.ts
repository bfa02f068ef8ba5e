import { securityHeaders } from "@coffer/web/security-headers";
import { api } from "./api";
import { binObjects } from "./storage";

// Presigned URLs name the bucket's regional endpoint; the page may connect there and nowhere else.
const objectsUrl = $interpolate`https://${binObjects.name}.s3.${aws.getRegionOutput().name}.amazonaws.com`;
import { viewerResponseInjection } from "./lib/site-headers";

export const web = new sst.aws.StaticSite("Web", {
  path: "packages/web",
  build: { command: "npm run build", output: "dist" },
  environment: { VITE_API_URL: api.url, VITE_OBJECTS_URL: objectsUrl, VITE_STAGE: $app.stage },
  // Real headers on every response (the <meta> tags in the page are the fallback): CSP with
  // frame-ancestors, Referrer-Policy: no-referrer, and no-store on HTML, which every bin page is.
  edge: {
    viewerResponse: {
      injection: $resolve([api.url, objectsUrl]).apply(([url, objects]) =>
        viewerResponseInjection(securityHeaders(url, { objectsUrl: objects })),
      ),
    },
  },
});
