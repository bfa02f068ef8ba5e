import { guard } from "./guard";

// A transaction whose conditions are the question ("is this nonce new? is this link still open?").
// DynamoDB cancels a transaction that meets another one in flight on the same item
// (TransactionConflict) without deciding its conditions, so that case is retried: of many
// concurrent claims of one item, exactly one then commits and the rest fail their condition.

type Outcome = { canceled: boolean; data: unknown };
const CONFLICT = "TransactionConflict";

/** Undefined when committed; otherwise whether each item's condition failed, in order. */
export async function writeTransaction(
  run: () => Promise<Outcome>,
  attempts = 8,
): Promise<boolean[] | undefined> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await guard(run());
    if (!outcome.canceled) return undefined;
    const codes = (outcome.data as Array<{ code?: string }>).map((item) => item.code ?? "None");
    if (!codes.includes(CONFLICT) || attempt >= attempts)
      return codes.map((code) => code === "ConditionalCheckFailed");
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
  }
}
