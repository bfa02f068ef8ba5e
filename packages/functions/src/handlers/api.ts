import { servedOpenApiJson } from "../rest/served-document";
import { createLambdaHandler } from "./lambda";

// The api function also serves GET /v1/openapi.json (rest-routes.ts routes it here).
export const handler = createLambdaHandler("api", { openApiJson: servedOpenApiJson });
