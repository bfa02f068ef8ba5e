import { Resource } from "sst";
import { createS3BinObjects, createS3Client } from "@coffer/core/bin-objects";
import { systemClock } from "@coffer/core/clock";
import { createDynamoClient } from "@coffer/core/db";
import { createAwsKms, createKmsClient } from "@coffer/core/kms";
import packageJson from "../../package.json" with { type: "json" };
import { linkNames } from "../links";
import type { Ports } from "../services";

// The only code that reads SST links. In AWS they come from the function's environment; locally the
// gateway sets the same SST_RESOURCE_* variables (and AWS_ENDPOINT_URL_* for the emulators).
export function portsFromEnvironment(): Ports {
  return {
    kms: createAwsKms(createKmsClient()),
    dynamo: createDynamoClient(),
    tableName: Resource[linkNames.table].name,
    clock: systemClock,
    stage: Resource.App.stage,
    version: packageJson.version,
    keyIds: Resource[linkNames.keys].keys,
    sealKeyId: Resource[linkNames.keys].seal,
    binObjects: createS3BinObjects({
      // Locally the stack points this at its S3-compatible server, as it does KMS and DynamoDB.
      client: createS3Client(
        process.env.AWS_ENDPOINT_URL_S3 ? { endpoint: process.env.AWS_ENDPOINT_URL_S3 } : {},
      ),
      bucket: Resource[linkNames.binObjects].name,
    }),
  };
}
