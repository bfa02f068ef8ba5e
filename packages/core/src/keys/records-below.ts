// How many stored records a raised minimum decryption version would make unreadable: the records
// of a key whose envelopes name a version below it. The version sits inside the envelope's header
// (after the variable-length context), so no key or filter can select it: this reads the key's
// records from a bounded Scan page per call and parses each header (no KMS, no decryption). The
// caller pages with the cursor until it is null, so one call's work stays small whatever the table
// holds; the admin console shows the running count.
import { inspectEnvelope } from "../crypto";
import { type Db, scanRecordsOfKey } from "../db";
import { CofferError } from "../errors";
import type { CountRecordsBelowVersionInput } from "./schemas";

/** Table items read per call: DynamoDB also stops a page at 1 MB. */
export const COUNT_PAGE_ITEMS = 1_000;

export interface RecordsBelowVersionPage {
  keyName: string;
  belowVersion: number;
  /** Records of the key on this page whose envelope names a version below `belowVersion`. */
  below: number;
  /** Records of the key on this page (any version). */
  ofKey: number;
  /** Pass it back for the next page; null when the table has been read to its end. */
  cursor: string | null;
}

export function createRecordsBelowVersion({
  db,
  pageItems = COUNT_PAGE_ITEMS,
}: {
  db: Db;
  /** Table items read per call (tests make it small to see the paging). */
  pageItems?: number;
}) {
  async function countPage(input: CountRecordsBelowVersionInput): Promise<RecordsBelowVersionPage> {
    const page = await scanRecordsOfKey(db, {
      keyName: input.keyName,
      cursor: input.cursor === undefined ? undefined : decodeCursor(input.cursor),
      limit: pageItems,
    });
    let below = 0;
    for (const record of page.records) {
      if (versionOf(record.envelope) < input.belowVersion) below += 1;
    }
    return {
      keyName: input.keyName,
      belowVersion: input.belowVersion,
      below,
      ofKey: page.records.length,
      cursor: page.cursor === undefined ? null : Buffer.from(page.cursor).toString("base64url"),
    };
  }
  return { countPage };
}

export type RecordsBelowVersion = ReturnType<typeof createRecordsBelowVersion>;

/** A stored envelope that does not parse cannot be read at any version: count it as below. */
function versionOf(envelope: Uint8Array): number {
  try {
    return inspectEnvelope(envelope).keyVersion;
  } catch {
    return 0;
  }
}

/**
 * The cursor is the Scan's last key (the table's pk and sk, strings), as this service gave it out.
 * Anything else is refused before it reaches DynamoDB.
 */
function decodeCursor(cursor: string): string {
  const refuse = () =>
    new CofferError("invalid", "The cursor is not one this service gave out. Start the count again.", {
      reason: "bad_cursor",
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw refuse();
  }
  const isKey =
    typeof parsed === "object" &&
    parsed !== null &&
    Object.keys(parsed).sort().join(",") === "pk,sk" &&
    Object.values(parsed).every((value) => typeof value === "string");
  if (!isKey) throw refuse();
  return JSON.stringify(parsed);
}
