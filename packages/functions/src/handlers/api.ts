import { servedOpenApiJson } from "../rest/served-document";
import { binObjectsFromEnvironment } from "./bin-objects-port";
import { createLambdaHandler } from "./lambda";

// The api function also serves GET /v1/openapi.json (rest-routes.ts routes it here), and it is the
// one function that stores bin contents (bins.*), so the one that builds the S3 port.
export const handler = createLambdaHandler("api", {
  openApiJson: servedOpenApiJson,
  binObjects: binObjectsFromEnvironment("api"),
});
