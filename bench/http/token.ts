import { systemClock } from "../../packages/core/src/clock";
import { createDb, createDocumentClient, createDynamoClient } from "../../packages/core/src/db";
import { createTokenService } from "../../packages/core/src/tokens";
import type { LocalStack } from "../../packages/local/src/stack";

/** An encrypt token made straight in the stack's table. */
export async function mintBenchToken(stack: LocalStack): Promise<string> {
  const dynamo = createDynamoClient({ endpoint: stack.dynamoEndpoint });
  const tokens = createTokenService({
    db: createDb({ client: createDocumentClient(dynamo), table: stack.tableName }),
    clock: systemClock,
  });
  const { token } = await tokens.create({ name: "bench", scopes: ["encrypt"] });
  dynamo.destroy();
  return token;
}
