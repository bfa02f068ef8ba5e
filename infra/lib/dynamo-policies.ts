import { entityKeys } from "@coffer/core/config";
import type { DynamoCapability, DynamoItemAction } from "@coffer/functions/routes";
import type { Condition, KmsStatement } from "./policies";

// Least privilege for DynamoDB, computed like KMS's (DESIGN §2): a function gets only the actions
// its procedures use, only on the table and the indexes they read, and only on the items of the
// entities they touch (`dynamodb:LeadingKeys`, the partition key of the table or of the index
// queried). Nothing here can delete, reconfigure or back up the table. Only `scanTable` (key
// maintenance's rewrap campaign, and the admin function's count of a key's records below a version)
// may Scan, which no leading key can bound. Generic over the
// ARN type so that infra passes Pulumi outputs and the tests pass strings.

export type DynamoStatement<Arn> = KmsStatement<Arn>;

export interface TableArns<Arn> {
  table: Arn;
  /** The ARN of a global index of the table ("<table arn>/index/<name>"). */
  index(name: string): Arn;
}

export const LEADING_KEYS = "dynamodb:LeadingKeys";

/** Partition key patterns, one statement per action and resource, in a stable order. */
export function dynamoStatements<Arn>(
  capabilities: readonly DynamoCapability[],
  arns: TableArns<Arn>,
): DynamoStatement<Arn>[] {
  const statements: DynamoStatement<Arn>[] = [];
  if (capabilities.includes("describeTable"))
    statements.push({ actions: ["dynamodb:DescribeTable"], resources: [arns.table] });
  if (capabilities.includes("scanTable"))
    statements.push({ actions: ["dynamodb:Scan"], resources: [arns.table] });

  // index ("table" for the table's own key) → action → partition key patterns
  const grants = new Map<string, Map<DynamoItemAction, Set<string>>>();
  for (const capability of capabilities) {
    if (capability === "describeTable" || capability === "scanTable") continue;
    const index = (capability.index ?? "table") as string;
    const pattern = (entityKeys[capability.entity] as Record<string, string>)[index];
    if (pattern === undefined) throw new Error(`${capability.entity} has no key on index ${index}`);
    const byAction = grants.get(index) ?? new Map<DynamoItemAction, Set<string>>();
    grants.set(index, byAction);
    for (const action of capability.actions)
      byAction.set(action, (byAction.get(action) ?? new Set()).add(pattern));
  }
  for (const index of [...grants.keys()].sort()) {
    const byAction = grants.get(index)!;
    for (const action of [...byAction.keys()].sort()) {
      statements.push({
        actions: [`dynamodb:${action}`],
        resources: [index === "table" ? arns.table : arns.index(index)],
        conditions: [leadingKeys([...byAction.get(action)!].sort())],
      });
    }
  }
  return statements;
}

/** Every partition key the request touches must match one of the patterns. */
export function leadingKeys(patterns: string[]): Condition {
  return { test: "ForAllValues:StringLike", variable: LEADING_KEYS, values: patterns };
}
