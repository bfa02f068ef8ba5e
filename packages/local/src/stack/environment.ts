// The environment that a deployed function gets from SST and Lambda, rebuilt for local parts:
// SST links as SST_RESOURCE_* (read lazily by `Resource`), and AWS_ENDPOINT_URL_* so that the
// unchanged AWS SDK clients talk to the emulator and DynamoDB Local.

import { linkNames } from "@coffer/functions/links";

export interface LocalLinks {
  stage: string;
  tableName: string;
  bucketName: string;
  keyArns: Record<string, string>;
  sealArn: string;
}

/** Static credentials for every local part: the emulators accept them, and nothing real does. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;

export const localAwsEnvironment = (endpoints: {
  kms: string;
  dynamodb: string;
  s3: string;
}): Record<string, string> => ({
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  AWS_ENDPOINT_URL_KMS: endpoints.kms,
  AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
  AWS_ENDPOINT_URL_S3: endpoints.s3,
});

export function sstLinkEnvironment({
  stage,
  tableName,
  bucketName,
  keyArns,
  sealArn,
}: LocalLinks): Record<string, string> {
  return {
    SST_RESOURCE_App: JSON.stringify({ name: "coffer", stage }),
    [`SST_RESOURCE_${linkNames.table}`]: JSON.stringify({ type: "sst.aws.Dynamo", name: tableName }),
    [`SST_RESOURCE_${linkNames.keys}`]: JSON.stringify({
      type: "sst.sst.Linkable",
      keys: keyArns,
      seal: sealArn,
    }),
    [`SST_RESOURCE_${linkNames.binObjects}`]: JSON.stringify({ type: "sst.aws.Bucket", name: bucketName }),
  };
}
