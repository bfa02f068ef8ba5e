// The names of the SST links that the functions read. SST matches a link by its name alone: infra
// names the resources with these, the handler reads `Resource[name]`, and the local stack sets
// `SST_RESOURCE_<name>`, so a rename made in one place only would fail at run time, not at build.
// Pure data, no imports: infra and the local stack import it too.

export const linkNames = {
  /** The DynamoDB table (`sst.aws.Dynamo`). */
  table: "Table",
  /** The catalog keys' ARNs and the seal key's (`sst.Linkable`): raw KMS keys are not linkable. */
  keys: "Keys",
  /** The bucket for large bin contents (`sst.aws.Bucket`). */
  binObjects: "BinObjects",
} as const;
