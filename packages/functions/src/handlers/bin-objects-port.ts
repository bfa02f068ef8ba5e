import { Resource } from "sst";
import { sdkTimeouts } from "@coffer/core/aws-client";
import { type BinObjects, createS3BinObjects, createS3Client } from "@coffer/core/bin-objects";
import { linkNames } from "../links";
import type { FunctionName } from "../routes";
import { timeBudgetMs } from "./ports";

/**
 * The bucket for large bin contents, from the function's links. Its own module, imported only by
 * the handlers whose procedures store bin contents (the api function's bins.*): the S3 client and
 * its presigner are ~150 KB of a minified bundle, which the decrypt and admin functions never load.
 */
export function binObjectsFromEnvironment(fn: FunctionName): BinObjects {
  return createS3BinObjects({
    // Locally the stack points this at its S3-compatible server, as it does KMS and DynamoDB.
    client: createS3Client({
      timeouts: sdkTimeouts(timeBudgetMs(fn)),
      ...(process.env.AWS_ENDPOINT_URL_S3 ? { endpoint: process.env.AWS_ENDPOINT_URL_S3 } : {}),
    }),
    bucket: Resource[linkNames.binObjects].name,
  });
}
