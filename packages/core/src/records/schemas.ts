import { limits } from "../config";
import * as z from "zod/mini";
import { base64url, base64urlId, EncryptionContext, EpochSeconds, KeyName } from "../schemas";
import { SealedBytes } from "../sealed";

const RecordId = base64urlId("A record id");

export const PutRecordInput = z.strictObject({
  keyName: KeyName,
  plaintext: base64url({ maxBytes: limits.maxRecordPlaintextBytes, label: "plaintext" }),
  context: z.optional(EncryptionContext),
  /** Epoch seconds (the table's TTL unit); the record is refused from then on. */
  expiresAt: z.optional(EpochSeconds),
  /** A retried put with the same key (per token, for a day) returns the first id and stores nothing. */
  idempotencyKey: z.optional(
    z
      .string()
      .check(z.minLength(1), z.maxLength(128), z.regex(/^[\w.:-]+$/, "Use letters, digits and . _ : -")),
  ),
});
export type PutRecordInput = z.output<typeof PutRecordInput>;

export const RecordIdInput = z.strictObject({ recordId: RecordId });
export type RecordIdInput = z.output<typeof RecordIdInput>;

/** records.putSealed: a payload sealed to keys.publicKey (docs/sealed.md), stored under `keyName`. */
export const PutSealedInput = z.strictObject({
  keyName: KeyName,
  sealed: SealedBytes,
  context: z.optional(EncryptionContext),
  expiresAt: z.optional(EpochSeconds),
});
export type PutSealedInput = z.output<typeof PutSealedInput>;

export const ListRecordsInput = z.optional(
  z.strictObject({
    limit: z.optional(z.int().check(z.gte(1), z.lte(100))),
    /** The `cursor` of the previous page, as given. */
    cursor: z.optional(z.string().check(z.maxLength(2048))),
  }),
);
export type ListRecordsInput = z.output<typeof ListRecordsInput>;
