import { limits } from "../config";
import { MAX_ENVELOPE_BYTES } from "../crypto";
import * as z from "zod/mini";
import { base64url, EncryptionContext, KeyName } from "../schemas";

const Plaintext = base64url({ maxBytes: limits.maxPlaintextBytes, label: "plaintext" });
const Envelope = base64url({ minBytes: 1, maxBytes: MAX_ENVELOPE_BYTES, label: "envelope" });

export const EncryptInput = z.strictObject({
  keyName: KeyName,
  plaintext: Plaintext,
  context: z.optional(EncryptionContext),
});
export type EncryptInput = z.output<typeof EncryptInput>;

export const DecryptInput = z.strictObject({
  envelope: Envelope,
  /** Must equal the context the envelope was made with. */
  context: z.optional(EncryptionContext),
});
export type DecryptInput = z.output<typeof DecryptInput>;

/** KMS CiphertextBlob's own limit. */
const MAX_WRAPPED_KEY_BYTES = 6144;

/** Local mode's encrypting side: a data key for the key's current version (crypto.issueEnvelopeKey). */
export const IssueEnvelopeKeyInput = z.strictObject({
  keyName: KeyName,
  /** KMS mode binds the data key to it; derived mode issues one key for every context. */
  context: z.optional(EncryptionContext),
});
export type IssueEnvelopeKeyInput = z.output<typeof IssueEnvelopeKeyInput>;

/** Local mode's decrypting side: an envelope's key slot, as its header gives it (crypto.openEnvelopeKey). */
export const OpenEnvelopeKeyInput = z.strictObject({
  keyName: KeyName,
  keyVersion: z.int().check(z.gte(1), z.lte(0xffffffff)),
  /** The envelope's mode, from its algorithm id (1: kms, 2: derived). */
  mode: z.enum(["kms", "derived"]),
  wrappedKey: base64url({ minBytes: 1, maxBytes: MAX_WRAPPED_KEY_BYTES, label: "wrapped key" }),
  /** The envelope's context: KMS mode unwraps under it. */
  context: z.optional(EncryptionContext),
});
export type OpenEnvelopeKeyInput = z.output<typeof OpenEnvelopeKeyInput>;

export const RewrapInput = z.strictObject({ envelope: Envelope });
export type RewrapInput = z.output<typeof RewrapInput>;

/** A batch carries at most maxBatchItems items and, together, no more than one call's limit. */
const batchOf = <T extends z.ZodMiniType>(item: T, sizeOf: (item: z.output<T>) => number, what: string) =>
  z.strictObject({
    items: z.array(item).check(
      z.minLength(1),
      z.maxLength(limits.maxBatchItems),
      z.refine((items) => items.reduce((sum, one) => sum + sizeOf(one), 0) <= limits.maxPlaintextBytes, {
        message: `Together, the ${what} of a batch may be at most ${limits.maxPlaintextBytes} bytes. Split the batch.`,
      }),
    ),
  });

export const EncryptBatchInput = batchOf(EncryptInput, (item) => item.plaintext.length, "plaintexts");
export type EncryptBatchInput = z.output<typeof EncryptBatchInput>;

export const DecryptBatchInput = batchOf(DecryptInput, (item) => item.envelope.length, "envelopes");
export type DecryptBatchInput = z.output<typeof DecryptBatchInput>;
