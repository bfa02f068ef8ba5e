import * as z from "zod/mini";
import { base64urlId, KeyName } from "../schemas";

export const KeyNameInput = z.strictObject({ keyName: KeyName });
export type KeyNameInput = z.infer<typeof KeyNameInput>;

export const SetMinDecryptionVersionInput = z.strictObject({
  keyName: KeyName,
  /** Never above the key's current version. */
  minDecryptionVersion: z.int().check(z.gte(1), z.lte(1_000_000)),
});
export type SetMinDecryptionVersionInput = z.infer<typeof SetMinDecryptionVersionInput>;

export const StartRewrapInput = z.strictObject({
  keyName: KeyName,
  /** When the campaign finishes with no failures, raise the minimum decryption version to its target. */
  raiseMinOnCompletion: z.optional(z.boolean()),
});
export type StartRewrapInput = z.infer<typeof StartRewrapInput>;

export const CampaignInput = z.strictObject({ campaignId: base64urlId("A campaign id") });
export type CampaignInput = z.infer<typeof CampaignInput>;

export const CountRecordsBelowVersionInput = z.strictObject({
  keyName: KeyName,
  /** The minimum decryption version being considered: records below it would become unreadable. */
  belowVersion: z.int().check(z.gte(1), z.lte(1_000_000)),
  /** From the previous page's answer; leave out for the first page. */
  cursor: z.optional(z.string().check(z.maxLength(2048))),
});
export type CountRecordsBelowVersionInput = z.infer<typeof CountRecordsBelowVersionInput>;
