// Writes the OpenAPI document generated from the routers (`npm run openapi`): docs/openapi.json for
// readers, and the gzipped copy that the api function serves at GET /v1/openapi.json. Neither is
// edited by hand; packages/functions/src/rest/openapi.test.ts fails when either is stale.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openApiGzipModule, openApiJson } from "@coffer/functions/openapi";

const files = {
  "docs/openapi.json": openApiJson(),
  "packages/functions/src/rest/openapi-gzip.ts": openApiGzipModule(),
};
for (const [path, text] of Object.entries(files)) {
  writeFileSync(fileURLToPath(new URL(`../../../${path}`, import.meta.url)), text);
  console.log(`Wrote ${path}`);
}
