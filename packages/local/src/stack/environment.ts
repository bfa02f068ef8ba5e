// The environment that a deployed function gets from SST and Lambda, rebuilt for local parts:
// SST links as SST_RESOURCE_* (read lazily by `Resource`), and AWS_ENDPOINT_URL_* so that the
// unchanged AWS SDK clients talk to the emulator and DynamoDB Local.

import { linkNames } from "@coffer/functions/links";

export interface LocalLinks {
  stage: string;
  tableName: string;
  keyArns: Record<string, string>;
  sealArn: string;
}

export const localAwsEnvironment = (endpoints: {
  kms: string;
  dynamodb: string;
}): Record<string, string> => ({
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "local",
  AWS_SECRET_ACCESS_KEY: "local",
  AWS_ENDPOINT_URL_KMS: endpoints.kms,
  AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
});

export function sstLinkEnvironment({
  stage,
  tableName,
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
  };
}
