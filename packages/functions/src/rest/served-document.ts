import { gunzipSync } from "node:zlib";
import { openApiGzipBase64 } from "./openapi-gzip";

// The api function serves the document that `npm run openapi` generated, gzipped into
// openapi-gzip.ts: 4 KB in the bundle, where generating it at run time would bundle zod's JSON
// Schema converter (about 30 KB) into a Lambda function (DESIGN §8). openapi.test.ts fails when it
// is stale.
let json: string | undefined;

export function servedOpenApiJson(): string {
  return (json ??= gunzipSync(Buffer.from(openApiGzipBase64, "base64")).toString("utf8"));
}
