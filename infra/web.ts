import { securityHeaders } from "@coffer/web/security-headers";
import { api } from "./api";
import { responseHeadersPolicy, viewerResponseInjection } from "./lib/site-headers";
import { binObjects } from "./storage";

// Presigned URLs name the bucket's regional endpoint; the page may connect there and nowhere else.
const objectsUrl = $interpolate`https://${binObjects.name}.s3.${aws.getRegionOutput().name}.amazonaws.com`;
const siteHeaders = $resolve([api.url, objectsUrl]).apply(([url, objects]) =>
  securityHeaders(url, { objectsUrl: objects }),
);

// HSTS and the headers that do not depend on the content type, on every response whatever its
// status: CloudFront does not run the viewer-response function below on 4xx/5xx answers.
const headersPolicy = new aws.cloudfront.ResponseHeadersPolicy("WebHeaders", {
  name: `${$app.name}-${$app.stage}-web-headers`,
  securityHeadersConfig: siteHeaders.apply((headers) => responseHeadersPolicy(headers).securityHeadersConfig),
});

export const web = new sst.aws.StaticSite("Web", {
  path: "packages/web",
  build: { command: "npm run build", output: "dist" },
  environment: { VITE_API_URL: api.url, VITE_OBJECTS_URL: objectsUrl, VITE_STAGE: $app.stage },
  // Real headers on every response (the <meta> tags in the page are the fallback): CSP with
  // frame-ancestors, Referrer-Policy: no-referrer, and no-store on HTML, which every bin page is.
  edge: {
    viewerResponse: { injection: siteHeaders.apply(viewerResponseInjection) },
  },
  transform: {
    // StaticSite builds its CloudFront distribution with Cdn; attach the policy to its only behaviour.
    cdn: (args) => {
      args.defaultCacheBehavior = $util
        .all([args.defaultCacheBehavior, headersPolicy.id])
        .apply(([behavior, policyId]) => ({ ...behavior, responseHeadersPolicyId: policyId }));
    },
  },
});
