import type { TestProject } from "vitest/node";
import { startDynamoDbLocal } from "../dynamodb";

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

// DynamoDB Local takes 3-4 s to start, so one in-memory instance serves the whole run and every
// test file creates its own randomly named tables on it.
export default async function setup(project: TestProject) {
  const ddb = await startDynamoDbLocal();
  project.provide("dynamoEndpoint", ddb.endpoint);
  return () => ddb.stop();
}
