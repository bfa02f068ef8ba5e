import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { unlessConditionFails } from "./guard";
import { guard } from "./guard";
import type { Db } from "./service";

// What a rewrap campaign needs of the records: a bounded page of one key's records (a table Scan
// whose Limit bounds the items *read*, so every step costs at most that much, whatever the table
// holds), and a rewrap write that is conditional on the envelope it replaces.

export interface ScannedRecord {
  /** Part of the record's key (records belong to a namespace). */
  namespace: string;
  recordId: string;
  envelope: Uint8Array;
  rewrappedBy: string | undefined;
}

export interface RecordPage {
  records: ScannedRecord[];
  /** The position after this page (JSON), or undefined at the end of the table. */
  cursor: string | undefined;
  /** Matching records on this page (also when only counting). */
  count: number;
}

export async function scanRecordsOfKey(
  db: Db,
  input: { keyName: string; cursor: string | undefined; limit: number; countOnly?: boolean },
): Promise<RecordPage> {
  const out = await guard(
    db.client.send(
      new ScanCommand({
        TableName: db.table,
        Limit: input.limit,
        ConsistentRead: true,
        FilterExpression: "#entity = :record AND #keyName = :keyName",
        ExpressionAttributeNames: {
          "#entity": "__edb_e__",
          "#keyName": "keyName",
          ...(input.countOnly
            ? {}
            : {
                "#namespace": "namespace",
                "#recordId": "recordId",
                "#envelope": "envelope",
                "#by": "rewrappedBy",
              }),
        },
        ExpressionAttributeValues: { ":record": "record", ":keyName": input.keyName },
        ...(input.countOnly
          ? { Select: "COUNT" as const }
          : { ProjectionExpression: "#namespace, #recordId, #envelope, #by" }),
        ...(input.cursor ? { ExclusiveStartKey: JSON.parse(input.cursor) as Record<string, unknown> } : {}),
      }),
    ),
  );
  const records = (out.Items ?? []).map((item) => ({
    namespace: item.namespace as string,
    recordId: item.recordId as string,
    envelope: item.envelope as Uint8Array,
    rewrappedBy: item.rewrappedBy as string | undefined,
  }));
  return {
    records,
    cursor: out.LastEvaluatedKey ? JSON.stringify(out.LastEvaluatedKey) : undefined,
    count: out.Count ?? records.length,
  };
}

/**
 * Replaces a record's envelope with its rewrapped copy, only if it still holds `previous`: a
 * record changed (or deleted) since it was read keeps its change. False when the condition failed.
 */
export async function replaceRewrappedEnvelope(
  db: Db,
  input: {
    namespace: string;
    recordId: string;
    previous: Uint8Array;
    envelope: Uint8Array;
    campaignId: string;
  },
): Promise<boolean> {
  const written = await unlessConditionFails(
    db.entities.record
      .patch({ namespace: input.namespace, recordId: input.recordId })
      .set({ envelope: input.envelope, rewrappedBy: input.campaignId })
      .where((record, op) => op.eq(record.envelope, input.previous))
      .go({ response: "none" }),
  );
  return written !== undefined;
}

/** A record's envelope and marker, read consistently (after a lost condition). */
export async function readRecordEnvelope(
  db: Db,
  { namespace, recordId }: { namespace: string; recordId: string },
): Promise<ScannedRecord | undefined> {
  const { data } = await guard(db.entities.record.get({ namespace, recordId }).go({ consistent: true }));
  return data
    ? { namespace, recordId, envelope: data.envelope as Uint8Array, rewrappedBy: data.rewrappedBy }
    : undefined;
}
