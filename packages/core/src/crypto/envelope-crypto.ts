// The crypto core's service: encrypt, decrypt and rewrap, wiring the key ring, KMS, the two key
// caches and the pure envelope code together. Checks run cheapest first, and everything the
// caller sent is checked before any KMS call.
import type { Clock } from "../clock";
import { limits } from "../config";
import type { Kms } from "../kms";
import { decodeContext, encodeValidContext, kmsContextFor, type EncryptionContext } from "./context";
import { createDataKeyCache } from "./data-key-cache";
import { assertContextMatches, openEnvelope, sealEnvelope } from "./envelope";
import { envelopeTooLarge, plaintextTooLarge } from "./errors";
import { envelopeSize, MAX_KEY_NAME_BYTES, MAX_WRAPPED_KEY_BYTES, parseEnvelope } from "./format";
import type { EnvelopeKeyRing } from "./key-ring";
import { replaceKeySlot } from "./key-slot";
import { createNonceSource } from "./nonces";
import { createUnwrappedKeyCache } from "./unwrapped-key-cache";

/**
 * The largest envelope encrypt can make: the longest key name, the largest valid context (entry
 * count + 4 length bytes per entry + its UTF-8 bytes), the largest KMS blob and the largest
 * plaintext. Anything bigger is refused before it is parsed.
 */
export const MAX_ENVELOPE_BYTES = envelopeSize(
  MAX_KEY_NAME_BYTES,
  2 + 4 * limits.maxContextEntries + limits.maxContextBytes,
  MAX_WRAPPED_KEY_BYTES,
  limits.maxPlaintextBytes,
);

export interface EnvelopeCryptoDeps {
  kms: Kms;
  clock: Clock;
  keys: EnvelopeKeyRing;
}

export type EnvelopeCrypto = ReturnType<typeof createEnvelopeCrypto>;

export function createEnvelopeCrypto({ kms, clock, keys }: EnvelopeCryptoDeps) {
  const dataKeys = createDataKeyCache({ kms, clock });
  const nextNonces = createNonceSource();
  const unwrappedKeys = createUnwrappedKeyCache({ kms, clock });

  async function encrypt(input: {
    keyName: string;
    plaintext: Uint8Array;
    context: EncryptionContext;
  }): Promise<Buffer> {
    const { plaintext, context } = input;
    if (plaintext.byteLength > limits.maxPlaintextBytes) throw plaintextTooLarge(limits.maxPlaintextBytes);
    const contextBytes = encodeValidContext(context);
    const key = await keys.encryptionKey(input.keyName);
    const request = { key, context, contextBytes, plaintextBytes: plaintext.byteLength };
    return dataKeys.withDataKey(request, ({ dataKeyObject, wrappedKey }) =>
      sealEnvelope(
        {
          dataKey: dataKeyObject,
          wrappedKey,
          keyName: key.name,
          keyVersion: key.version,
          contextBytes,
          plaintext,
        },
        nextNonces(),
      ),
    );
  }

  async function decrypt(input: {
    envelope: Uint8Array;
    context: EncryptionContext;
  }): Promise<{ plaintext: Buffer; keyName: string; keyVersion: number }> {
    const { context } = input;
    const contextBytes = encodeValidContext(context);
    if (input.envelope.byteLength > MAX_ENVELOPE_BYTES) throw envelopeTooLarge(MAX_ENVELOPE_BYTES);
    const parsed = parseEnvelope(input.envelope);
    assertContextMatches(parsed, contextBytes);
    // From here on the header's context is the caller's: their canonical bytes are equal.
    const { keyName, keyVersion, wrappedKey, keyBinding } = parsed;
    // The lifecycle hook: a version below the key's minimum is refused here, before KMS.
    const key = await keys.decryptionKey(keyName, keyVersion);
    const request = { key, keyVersion, context, wrappedKey, keyBinding };
    const plaintext = await unwrappedKeys.withUnwrappedKey(request, ({ dataKeyObject }) =>
      openEnvelope(parsed, dataKeyObject),
    );
    return { plaintext, keyName, keyVersion };
  }

  /**
   * KMS ReEncrypt of the data key to the key's current version; never decrypts the payload. The
   * source version must still be decryptable (a retired version cannot be revived by a rewrap).
   */
  async function rewrap(input: { envelope: Uint8Array }): Promise<Buffer> {
    if (input.envelope.byteLength > MAX_ENVELOPE_BYTES) throw envelopeTooLarge(MAX_ENVELOPE_BYTES);
    const parsed = parseEnvelope(input.envelope);
    const { keyName, keyVersion } = parsed;
    const context = decodeContext(parsed.contextBytes);
    await keys.decryptionKey(keyName, keyVersion);
    const current = await keys.encryptionKey(keyName);
    const { wrapped } = await kms.reEncrypt({
      wrapped: parsed.wrappedKey,
      context: kmsContextFor(keyName, keyVersion, context),
      toKeyId: current.kmsKeyId,
      toContext: kmsContextFor(keyName, current.version, context),
    });
    return replaceKeySlot(parsed, current.version, wrapped);
  }

  return { encrypt, decrypt, rewrap };
}
