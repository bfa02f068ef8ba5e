// KMS key policies. AWS's default policy lets the account root delegate everything to IAM, so any
// principal with kms:* on * could decrypt. Here the account keeps administration (so that a key can
// never become unmanageable: it can always be described, rotated, disabled, re-policied or
// scheduled for deletion) but not use; using a key (Decrypt, GenerateDataKey*, ReEncrypt*) is
// granted by the key policy only to the roles named here, i.e. the functions whose procedures need
// it (their own IAM statements narrow it further, with the context conditions). Under `sst dev`
// the same roles run the functions on a developer's machine, so nothing changes for them.
// Note: whoever holds kms:PutKeyPolicy can still rewrite this policy; that is what "administration
// stays with the account" means, and CloudTrail records it.

export const KEY_ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:Create*",
  "kms:Delete*",
  "kms:Describe*",
  "kms:Disable*",
  "kms:Enable*",
  "kms:Get*",
  "kms:List*",
  "kms:Put*",
  "kms:Revoke*",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:Update*",
];

export const KEY_USE_ACTIONS = [
  "kms:Decrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:DescribeKey",
  "kms:GetPublicKey",
];

export interface KeyPolicyInput {
  accountId: string;
  partition?: string;
  /** The roles that may use the key (their IAM statements decide which actions, on which context). */
  userRoleArns: string[];
}

export function keyPolicy({ accountId, partition = "aws", userRoleArns }: KeyPolicyInput) {
  const statements: Record<string, unknown>[] = [
    {
      Sid: "AccountAdministersTheKey",
      Effect: "Allow",
      Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
      Action: KEY_ADMIN_ACTIONS,
      Resource: "*",
    },
  ];
  if (userRoleArns.length > 0)
    statements.push({
      Sid: "FunctionsUseTheKey",
      Effect: "Allow",
      Principal: { AWS: [...userRoleArns].sort() },
      Action: KEY_USE_ACTIONS,
      Resource: "*",
    });
  return { Version: "2012-10-17", Statement: statements };
}
