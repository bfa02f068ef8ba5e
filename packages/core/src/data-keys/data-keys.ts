import type { EnvelopeKeyRing, KeyUseCounter } from "../crypto";
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
  /**
   * The usage counters. A data key issued counts as an encrypt of 0 bytes and one unwrapped as a
   * decrypt of 0 bytes (Coffer never sees what the client encrypts with it), both under the key's
   * current version: raw data keys carry no version of their own.
   */
  usage?: KeyUseCounter;
}

/**
 * Raw KMS data keys for clients that encrypt locally. Each call is one KMS request: these keys
 * leave the service, so they are never cached or reused.
 */
export function createDataKeyService({ kms, keyIds, ring, usage }: DataKeyDeps) {
  const counted = (
    kind: "encrypt" | "decrypt",
    keyName: string,
    keyVersion: number | undefined,
    caller: Caller,
  ) =>
    keyVersion !== undefined &&
    usage?.countKeyUse({ keyName, keyVersion, kind, bytes: 0, tokenId: caller.tokenId });

  async function generate(input: DataKeyInput, caller: Caller): Promise<GeneratedDataKey> {
    assertKeyAllowed(caller, input.keyName);
    const version = (await ring?.encryptionKey(input.keyName))?.version;
    const keySpec = input.keySpec ?? "AES_256";
    const request = {
      keyId: keyIds[input.keyName]!,
      context: input.context ?? {},
      bits: keySpec === "AES_128" ? 128 : 256,
    } as const;
    const base = { keyName: input.keyName, keySpec, context: request.context };
    if (input.plaintext === false) {
      const { wrapped } = await kms.generateWrappedDataKey(request);
      counted("encrypt", input.keyName, version, caller);
      return { ...base, wrappedKey: wrapped.toString("base64url") };
    }
    const { plaintext, wrapped } = await kms.generateDataKey(request);
    counted("encrypt", input.keyName, version, caller);
    return { ...base, wrappedKey: wrapped.toString("base64url"), key: plaintext.toString("base64url") };
  }

  /** The context must match the one the key was made with, exactly; KMS checks it. */
  async function decrypt(input: DecryptDataKeyInput, caller: Caller) {
    assertKeyAllowed(caller, input.keyName);
    // Throws key_disabled for a disabled key (the version asked for does not matter here).
    const version = (await ring?.encryptionKey(input.keyName))?.version;
    const plaintext = await kms.decrypt({
      wrapped: input.wrappedKey,
      context: input.context ?? {},
      keyId: keyIds[input.keyName]!,
    });
    counted("decrypt", input.keyName, version, caller);
    return { keyName: input.keyName, key: plaintext.toString("base64url") };
  }

  return { generate, decrypt };
}

export type DataKeyService = ReturnType<typeof createDataKeyService>;
