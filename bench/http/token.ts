import { systemClock } from "@coffer/core/clock";
import { connectDb } from "@coffer/core/db";
import { createTokenService } from "@coffer/core/tokens";
import type { LocalStack } from "@coffer/local/stack";

/** An encrypt and decrypt token made straight in the stack's table. */
export async function mintBenchToken(stack: LocalStack): Promise<string> {
  const { db, dynamo } = connectDb({ endpoint: stack.dynamoEndpoint, table: stack.tableName });
  const tokens = createTokenService({ db, clock: systemClock });
  const { token } = await tokens.create({ name: "bench", scopes: ["encrypt", "decrypt"] });
  dynamo.destroy();
  return token;
}
