import { isDeepStrictEqual } from "node:util";
import { toDbError } from "./guard";

// A conditional create (ElectroDB's `create`: PutItem with attribute_not_exists) whose answer can be
// lost: the write reaches DynamoDB and is applied, the answer does not come back (a timeout, a reset
// connection), and the AWS SDK retries. The retry then fails its condition on the item its own
// first attempt stored, and a plain create would call that a conflict although the write happened.
// So a failed condition asks DynamoDB for the item it met (ReturnValuesOnConditionCheckFailure
// ALL_OLD: no extra read, and the answer is the item as it was when the condition was checked),
// and the caller decides whether that item is the one this very call wrote, by a value only this
// write could have produced (an envelope's or a claim's random bytes; never a secret).
//
// Transactions (TransactWriteItems) need none of this: the SDK gives each call a ClientRequestToken
// that its retries reuse, and DynamoDB answers a repeated token with the first outcome without
// applying the items again (lost-answer.int.test.ts shows both, DynamoDB Local included).

/** The options createOnce passes to ElectroDB's `go` (a test runs a create with them alone). */
export const RETURN_ITEM_ON_CONFLICT = {
  response: "none",
  returnOnConditionCheckFailure: "all_old",
} as const;

type CreateOutcome<Item> = { rejected: false } | { rejected: true; data: Item | null };

/** What createOnce needs of an ElectroDB entity: its create, run with the options above. */
interface CreatableEntity<Item> {
  create(item: Item): { go(options: typeof RETURN_ITEM_ON_CONFLICT): Promise<CreateOutcome<object>> };
}

/**
 * Creates `item` and says whether it is what the table holds now: true when this call stored it
 * (just now, or by an attempt whose answer was lost), false when another write holds the key. The
 * stored item must equal every attribute written, so `item` must hold a value only this write
 * could have produced (each caller names it); two writes of equal items are one write. Any other
 * failure is translated as `guard` does.
 */
export async function createOnce<Item extends object>(
  entity: CreatableEntity<Item>,
  item: Item,
): Promise<boolean> {
  let outcome: CreateOutcome<object>;
  try {
    outcome = await entity.create(item).go(RETURN_ITEM_ON_CONFLICT);
  } catch (error) {
    throw toDbError(error);
  }
  if (!outcome.rejected) return true;
  // No item back would mean a DynamoDB that ignores ALL_OLD: then it cannot tell, and refuses.
  return outcome.data !== null && isStoredAsWritten(outcome.data, item);
}

/** Every attribute written is stored as written (binary values byte for byte). */
export function isStoredAsWritten(stored: object, written: object): boolean {
  const held = stored as Record<string, unknown>;
  return Object.entries(written).every(([name, value]) => {
    if (value === undefined) return held[name] === undefined;
    if (value instanceof Uint8Array)
      return held[name] instanceof Uint8Array && Buffer.from(value).equals(held[name] as Uint8Array);
    return isDeepStrictEqual(held[name], value);
  });
}
