import type { EnvelopeKeyRing } from "../crypto";
import type { Kms } from "../kms";
import { assertKeyAllowed, type Caller } from "../tokens";
import type { DataKeyInput, DecryptDataKeyInput } from "./schemas";

export interface GeneratedDataKey {
  keyName: string;
  keySpec: "AES_256" | "AES_128";
  context: Record<string, string>;
  wrappedKey: string;
  /** The plaintext data key; absent when the caller asked for `plaintext: false`. */
  key?: string;
}

export interface DataKeyDeps {
  kms: Kms;
  /** Catalog data key name → KMS key id. */
  keyIds: Record<string, string>;
  /**
   * The key lifecycle: a disabled key gives no data keys and unwraps none. Raw data keys carry no
   * version (they never pass through an envelope), so only the key's state applies to them.
   */
  ring?: EnvelopeKeyRing;
}

/**
 * Raw KMS data keys for clients that encrypt locally. Each call is one KMS request: these keys
 * leave the service, so they are never cached or reused.
 */
export function createDataKeyService({ kms, keyIds, ring }: DataKeyDeps) {
  async function generate(input: DataKeyInput, caller: Caller): Promise<GeneratedDataKey> {
    assertKeyAllowed(caller, input.keyName);
    await ring?.encryptionKey(input.keyName);
    const keySpec = input.keySpec ?? "AES_256";
    const request = {
      keyId: keyIds[input.keyName]!,
      context: input.context ?? {},
      bits: keySpec === "AES_128" ? 128 : 256,
    } as const;
    const base = { keyName: input.keyName, keySpec, context: request.context };
    if (input.plaintext === false) {
      const { wrapped } = await kms.generateWrappedDataKey(request);
      return { ...base, wrappedKey: wrapped.toString("base64url") };
    }
    const { plaintext, wrapped } = await kms.generateDataKey(request);
    return { ...base, wrappedKey: wrapped.toString("base64url"), key: plaintext.toString("base64url") };
  }

  /** The context must match the one the key was made with, exactly; KMS checks it. */
  async function decrypt(input: DecryptDataKeyInput, caller: Caller) {
    assertKeyAllowed(caller, input.keyName);
    // Throws key_disabled for a disabled key (the version asked for does not matter here).
    await ring?.encryptionKey(input.keyName);
    const plaintext = await kms.decrypt({
      wrapped: input.wrappedKey,
      context: input.context ?? {},
      keyId: keyIds[input.keyName]!,
    });
    return { keyName: input.keyName, key: plaintext.toString("base64url") };
  }

  return { generate, decrypt };
}

export type DataKeyService = ReturnType<typeof createDataKeyService>;
