import { isDeepStrictEqual } from "node:util";
import { type Clock, toEpochSeconds } from "../clock";
import { type EnvelopeCrypto, inspectEnvelope } from "../crypto";
import { type Db, guard, type RecordItem } from "../db";
import { CofferError } from "../errors";
import { assertKeyAllowed, type Caller } from "../tokens";
import { assertExpiryAhead, newRecord, storeNewRecord } from "./new-record";
import type { ListRecordsInput, PutRecordInput, RecordIdInput } from "./schemas";

export interface RecordDeps {
  db: Db;
  crypto: EnvelopeCrypto;
  clock: Clock;
}

const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;
// One answer for a record that never existed, has expired, or belongs to another namespace: the
// caller cannot tell them apart (same code, reason, message, and one read either way).
const NOT_FOUND = "No record has that id, or it has expired.";

/**
 * Whether a retried put asks for what the first one stored. Only what the table holds in clear is
 * compared: the plaintext could be compared only through a hash of it in the table, which would let
 * anyone who reads the table test guesses, so two plaintexts of the same size pass as one.
 */
function isSameRequest(original: RecordItem, input: PutRecordInput): boolean {
  return (
    original.keyName === input.keyName &&
    original.sizeBytes === input.plaintext.length &&
    (original.expiresAt ?? null) === (input.expiresAt ?? null) &&
    isDeepStrictEqual(inspectEnvelope(original.envelope as Uint8Array).context, input.context ?? {})
  );
}

/**
 * Encrypted records stored by id within the caller's namespace (the token's tenant): the namespace
 * is part of the record's key, so a token of another namespace cannot name, read, delete or list
 * it. Encryption happens before any write, and each put is one
 * conditional write (or one transaction with its idempotency key), so a KMS or DynamoDB failure
 * leaves nothing behind.
 */
export function createRecordService({ db, crypto, clock }: RecordDeps) {
  const now = () => toEpochSeconds(clock.now());

  async function put(input: PutRecordInput, caller: Caller) {
    assertKeyAllowed(caller, input.keyName);
    assertExpiryAhead(input.expiresAt, clock);
    const record = await newRecord(
      { crypto, clock },
      { ...input, namespace: caller.namespace, context: input.context ?? {}, usedBy: caller.tokenId },
    );
    const summary = {
      recordId: record.recordId,
      keyName: record.keyName,
      createdAt: record.createdAt,
      expiresAt: record.expiresAt ?? null,
    };
    if (!input.idempotencyKey) {
      await storeNewRecord(db, record);
      return { ...summary, replayed: false };
    }

    const remembered = { tokenId: caller.tokenId, idempotencyKey: input.idempotencyKey };
    const outcome = await guard(
      db.service.transaction
        .write(({ record: records, idempotency }) => [
          idempotency
            .create({
              ...remembered,
              recordId: record.recordId,
              createdAt: record.createdAt,
              expiresAt: record.createdAt + IDEMPOTENCY_WINDOW_SECONDS,
            })
            .commit(),
          records.create(record).commit(),
        ])
        .go(),
    );
    if (!outcome.canceled) return { ...summary, replayed: false };
    // The idempotency key was used before: answer with the first put's record, store nothing.
    const { data: first } = await guard(db.entities.idempotency.get(remembered).go({ consistent: true }));
    if (!first)
      throw new CofferError("conflict", "A concurrent put with this idempotency key is in flight. Retry.", {
        reason: "idempotency_race",
      });
    const { data: original } = await guard(
      db.entities.record
        .get({ namespace: caller.namespace, recordId: first.recordId })
        .go({ consistent: true }),
    );
    if (original && !isSameRequest(original, input)) {
      throw new CofferError(
        "conflict",
        "This idempotency key was already used for a different put (key, context, size or expiry differ). Send a new key for a new record.",
        { reason: "idempotency_key_reused" },
      );
    }
    return {
      recordId: first.recordId,
      keyName: original?.keyName ?? record.keyName,
      createdAt: first.createdAt,
      expiresAt: original?.expiresAt ?? null,
      replayed: true,
    };
  }

  /** A record past its expiry is gone for every caller, whether or not the TTL sweep ran. */
  async function load({ recordId }: RecordIdInput, caller: Caller): Promise<RecordItem> {
    const { data } = await guard(
      db.entities.record.get({ namespace: caller.namespace, recordId }).go({ consistent: true }),
    );
    if (!data || (data.expiresAt !== undefined && data.expiresAt <= now())) {
      throw new CofferError("not_found", NOT_FOUND, { reason: "record_not_found" });
    }
    assertKeyAllowed(caller, data.keyName);
    return data;
  }

  async function get(input: RecordIdInput, caller: Caller) {
    const item = await load(input, caller);
    // The stored envelope is parsed once; its own context is the one to use. The hook checks the
    // header's key too, since that (not the item's attribute) decides which KMS key opens it.
    const { plaintext, keyVersion, context } = await crypto.decryptStored({
      envelope: item.envelope as Uint8Array,
      authorize: ({ keyName }) => assertKeyAllowed(caller, keyName),
      usedBy: caller.tokenId,
    });
    return {
      recordId: item.recordId,
      keyName: item.keyName,
      keyVersion,
      context,
      plaintext: plaintext.toString("base64url"),
      createdAt: item.createdAt,
      expiresAt: item.expiresAt ?? null,
    };
  }

  async function remove(input: RecordIdInput, caller: Caller) {
    await load(input, caller);
    await guard(
      db.entities.record
        .delete({ namespace: caller.namespace, recordId: input.recordId })
        .where((attr, op) => op.exists(attr.recordId))
        .go(),
      NOT_FOUND,
    ).catch((error: unknown) => {
      if (error instanceof CofferError && error.kind === "conflict") {
        throw new CofferError("not_found", NOT_FOUND, { reason: "record_not_found" });
      }
      throw error;
    });
    return { recordId: input.recordId, deleted: true as const };
  }

  /**
   * The caller's namespace's records, newest first, without their contents. Pages come from a
   * global index, so a record written a moment ago may show on the next call; expired records that
   * DynamoDB has not swept yet are left out (a page may then hold fewer than `limit`).
   */
  async function list(input: ListRecordsInput, caller: Caller) {
    const page = await guard(
      db.entities.record.query
        .byNamespace({ namespace: caller.namespace })
        .go({ order: "desc", limit: input?.limit ?? 50, cursor: input?.cursor ?? null }),
    ).catch((error: unknown) => {
      if (error instanceof CofferError) throw error;
      throw new CofferError("invalid", "The cursor is not one this service gave out.", {
        reason: "bad_cursor",
      });
    });
    const current = now();
    return {
      records: page.data
        .filter((item) => item.expiresAt === undefined || item.expiresAt > current)
        .map((item) => ({
          recordId: item.recordId,
          keyName: item.keyName,
          sizeBytes: item.sizeBytes,
          createdAt: item.createdAt,
          expiresAt: item.expiresAt ?? null,
        })),
      cursor: page.cursor,
    };
  }

  return { put, get, delete: remove, list };
}

export type RecordService = ReturnType<typeof createRecordService>;
