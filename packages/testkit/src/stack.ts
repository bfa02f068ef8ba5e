import { randomUUID } from "node:crypto";
import { connectDb, type Db } from "@coffer/core/db";
import { systemClock } from "@coffer/core/clock";
import { createTokenService, type CreateTokenInput } from "@coffer/core/tokens";
import { type LocalStack, type LocalStackOptions, startLocalStack } from "@coffer/local/stack";
import { runDynamoEndpoint, testTimeouts } from "./dynamo";
import { testRsaPairs } from "./rsa-pairs";

const stackBudgetMs = 25_000;

/**
 * What the functions of a test stack run with besides their links. Patient SDK calls for a busy
 * machine (about 3 s an attempt, as the gateway's 10 s allows); budget tests pass their own. EMF
 * metric lines (one per request) and "request refused" WARN lines (one per refusal, and tests
 * provoke thousands) would bury a run's output, so metrics are off and the log shows ERROR and
 * above: an unexpected failure still prints. The no-secrets test turns both back on to check them.
 */
export const testFunctionEnvironment = {
  COFFER_TIME_BUDGET_MS: String(stackBudgetMs),
  POWERTOOLS_METRICS_DISABLED: "true",
  POWERTOOLS_LOG_LEVEL: "ERROR",
} as const;

/**
 * The whole local stack for one test file: its own KMS emulator and gateway, and a fresh table on
 * the run's DynamoDB Local. Handlers read SST links once per process, and vitest gives every test
 * file its own process, so one stack per file is the rule.
 */
export async function startTestStack(
  options: Partial<LocalStackOptions> = {},
): Promise<LocalStack & { db: Db; mintToken(input: CreateTokenInput): Promise<string> }> {
  const stack = await startLocalStack({
    stage: "test",
    dynamoEndpoint: runDynamoEndpoint(),
    tableName: `t_${randomUUID()}`,
    kmsRsaMaterial: testRsaPairs(),
    ...options,
    environment: { ...testFunctionEnvironment, ...options.environment },
  });
  const { db, dynamo } = connectDb({
    endpoint: stack.dynamoEndpoint,
    table: stack.tableName,
    timeouts: testTimeouts(),
  });
  const tokens = createTokenService({ db, clock: systemClock });
  return {
    ...stack,
    /** The stack's table, for a test that must write what the service no longer would. */
    db,
    /** Makes a token straight in the table, as the admin bootstrap script does. */
    mintToken: async (input) => (await tokens.create(input)).token,
    stop: async () => {
      dynamo.destroy();
      await stack.stop();
    },
  };
}
