import type { TestProject } from "vitest/node";
import { startDynamoDbLocal } from "@coffer/local/dynamodb";

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

// DynamoDB Local takes 3-4 s to start, so one in-memory instance serves the whole run and every
// test file creates its own randomly named tables on it. The integration and e2e projects both list
// this setup, and vitest loads it once per project (as separate modules, in one process): the
// instance is kept on globalThis, started by the first project and stopped after the last.
interface Shared {
  ddb: ReturnType<typeof startDynamoDbLocal>;
  users: number;
}
const holder = globalThis as { cofferDynamoDbLocal?: Shared };

export default async function setup(project: TestProject) {
  const shared = (holder.cofferDynamoDbLocal ??= { ddb: startDynamoDbLocal(), users: 0 });
  shared.users += 1;
  const ddb = await shared.ddb;
  project.provide("dynamoEndpoint", ddb.endpoint);
  return async () => {
    if (--shared.users > 0) return;
    holder.cofferDynamoDbLocal = undefined;
    await ddb.stop();
  };
}
