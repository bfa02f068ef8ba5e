import * as z from "zod/mini";
import { base64url, EncryptionContext, KeyName } from "../schemas";

/** KMS CiphertextBlob's own limit. */
const MAX_WRAPPED_KEY_BYTES = 6144;

export const DataKeyInput = z.strictObject({
  keyName: KeyName,
  context: z.optional(EncryptionContext),
  keySpec: z.optional(z.enum(["AES_256", "AES_128"])),
  /** false: only the wrapped key, for a client that stores it now and unwraps it later. */
  plaintext: z.optional(z.boolean()),
});
export type DataKeyInput = z.infer<typeof DataKeyInput>;

export const DecryptDataKeyInput = z.strictObject({
  keyName: KeyName,
  wrappedKey: base64url({ minBytes: 1, maxBytes: MAX_WRAPPED_KEY_BYTES, label: "wrapped key" }),
  context: z.optional(EncryptionContext),
});
export type DecryptDataKeyInput = z.output<typeof DecryptDataKeyInput>;
