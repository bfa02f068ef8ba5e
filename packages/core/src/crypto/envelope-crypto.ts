// The crypto core's service: encrypt and decrypt (envelope-sealing.ts, shared with local mode),
// rewrap, and the two key procedures of local mode, wiring the key ring, KMS and the key caches
// together. Checks run cheapest first, and everything the caller sent is checked before any KMS
// call.
import type { Clock } from "../clock";
import type { DataKeyCachePolicy, EnvelopeMode } from "../config";
import type { Kms } from "../kms";
import type { Telemetry } from "../telemetry";
import { decodeContext, encodeValidContext, kmsContextForMode, type EncryptionContext } from "./context";
import {
  createEnvelopeSealing,
  type AuthorizeEnvelope,
  type KeyUseCounter,
  type UsedBy,
} from "./envelope-sealing";
import { modeOf, type ParsedEnvelope } from "./format";
import type { EnvelopeKeyRing } from "./key-ring";
import { keyBinding, replaceKeySlot } from "./key-slot";
import { kmsKeySource } from "./key-source";

export {
  MAX_ENVELOPE_BYTES,
  type AuthorizeEnvelope,
  type DecryptResult,
  type EnvelopeKeyRef,
  type KeyUseCounter,
  type UsedBy,
} from "./envelope-sealing";

export interface EnvelopeCryptoDeps {
  kms: Kms;
  clock: Clock;
  keys: EnvelopeKeyRing;
  /**
   * Told of every successful encrypt and decrypt (the usage meter), and of every data key issued
   * or opened for local mode (as one encrypt or decrypt of 0 bytes: the service never sees the
   * messages made with it); rewraps count as neither.
   */
  usage?: KeyUseCounter;
  /** Told of every cache lookup (hit, miss, bypass); silent when absent. */
  telemetry?: Telemetry;
}

export type EnvelopeCrypto = ReturnType<typeof createEnvelopeCrypto>;

/**
 * The ReEncrypts of one batch of stored records (a campaign step), by what they rewrap. Records
 * sealed under one cached data key hold the same wrapped key for the same context, so one
 * ReEncrypt serves them all: the data key was wrapped once and is rewrapped once, and KMS is
 * called once per data key rather than once per record. Keep one per batch, not longer.
 */
export type SharedReEncrypts = Map<string, Promise<{ wrapped: Uint8Array }>>;

export interface RewrapResult {
  envelope: Buffer;
  keyName: string;
  fromVersion: number;
  toVersion: number;
}

/**
 * A data key handed to a caller for local mode, with what the caller's cache needs: the version and
 * mode it is wrapped for, and the key's cache policy. `dataKey` is secret.
 */
export interface EnvelopeDataKey {
  keyName: string;
  keyVersion: number;
  mode: EnvelopeMode;
  cache: DataKeyCachePolicy;
  dataKey: Buffer;
}

export function createEnvelopeCrypto({ kms, clock, keys, usage, telemetry }: EnvelopeCryptoDeps) {
  const source = kmsKeySource(kms);
  const sealing = createEnvelopeSealing({ clock, keys, source, usage, telemetry });
  const { encrypt, decrypt, decryptStored, parseAndAuthorize } = sealing;

  /**
   * Local mode's encrypting side: a fresh data key for the key's current version and mode. Never
   * one from the service's own cache: a data key's message count must stay in one place (the
   * caller's cache counts its own), and a caller with only `encrypt` must never hold a key that
   * opens envelopes it did not make. So each call is one KMS GenerateDataKey.
   */
  async function issueEnvelopeKey(
    input: { keyName: string; context: EncryptionContext } & UsedBy,
  ): Promise<EnvelopeDataKey & { wrappedKey: Buffer }> {
    const { context } = input;
    const contextBytes = encodeValidContext(context);
    const key = await keys.encryptionKey(input.keyName);
    const fresh = await source.generate({ key, context, contextBytes, plaintextBytes: 0 });
    sealing.counted("encrypt", key.name, fresh.keyVersion, 0, input.usedBy);
    return {
      keyName: key.name,
      keyVersion: fresh.keyVersion,
      mode: fresh.mode,
      cache: key.cache,
      dataKey: fresh.plaintext,
      wrappedKey: fresh.wrapped,
    };
  }

  /**
   * Local mode's decrypting side: the plaintext of an envelope's key slot, after every check the
   * decrypt path makes (the caller's hook, then the key ring's lifecycle: disabled key, retired
   * version), through the same unwrapped-key cache. `mode` is the envelope's (its algorithm id).
   */
  async function openEnvelopeKey(
    input: {
      keyName: string;
      keyVersion: number;
      mode: EnvelopeMode;
      wrappedKey: Uint8Array;
      context: EncryptionContext;
      authorize?: AuthorizeEnvelope;
    } & UsedBy,
  ): Promise<EnvelopeDataKey> {
    const { keyName, keyVersion, mode, wrappedKey, context } = input;
    const contextBytes = encodeValidContext(context);
    input.authorize?.({ keyName, keyVersion });
    const key = await keys.decryptionKey(keyName, keyVersion);
    const binding = keyBinding(keyName, contextBytes, keyVersion, wrappedKey);
    const request = { key, mode, keyVersion, context, wrappedKey, keyBinding: binding };
    // A copy: the cached key is zero-filled when it leaves the cache, the answer must not be.
    const dataKey = await sealing.unwrappedKeys.withUnwrappedKey(request, (m) => Buffer.from(m.dataKey));
    sealing.counted("decrypt", keyName, keyVersion, 0, input.usedBy);
    return { keyName, keyVersion, mode, cache: key.cache, dataKey };
  }

  /**
   * KMS ReEncrypt of the data key to the key's current version; never decrypts the payload. The
   * source version must still be decryptable (a retired version cannot be revived by a rewrap).
   */
  async function rewrap(input: {
    envelope: Uint8Array;
    authorize?: AuthorizeEnvelope;
  }): Promise<RewrapResult> {
    return rewrapParsed(parseAndAuthorize(input.envelope, input.authorize), false);
  }

  /**
   * A rewrap campaign's rewrap: only envelopes below `belowVersion` are moved ("current" for the
   * rest), and retired versions are moved too, since moving them forward is the point; a disabled
   * key is still refused.
   */
  async function rewrapStored(input: {
    envelope: Uint8Array;
    belowVersion: number;
    shared?: SharedReEncrypts;
  }): Promise<RewrapResult | "current"> {
    const parsed = parseAndAuthorize(input.envelope, undefined);
    if (parsed.keyVersion >= input.belowVersion) return "current";
    return rewrapParsed(parsed, true, input.shared);
  }

  async function rewrapParsed(
    parsed: ParsedEnvelope,
    allowRetired: boolean,
    shared?: SharedReEncrypts,
  ): Promise<RewrapResult> {
    const { keyName, keyVersion } = parsed;
    const context = decodeContext(parsed.contextBytes);
    const source = await keys.decryptionKey(keyName, keyVersion, { allowRetired });
    const current = await keys.encryptionKey(keyName);
    const mode = modeOf(parsed.algorithmId);
    const reEncrypt = () =>
      kms.reEncrypt({
        wrapped: parsed.wrappedKey,
        // Named, so KMS refuses a wrapped key of any other key instead of using whatever the blob says.
        fromKeyId: source.kmsKeyId,
        context: kmsContextForMode(mode, keyName, keyVersion, context),
        toKeyId: current.kmsKeyId,
        toContext: kmsContextForMode(mode, keyName, current.version, context),
      });
    let pending: Promise<{ wrapped: Uint8Array }>;
    if (shared) {
      // Everything the KMS request is made of, so that only identical requests share an answer.
      const request = [
        mode,
        source.kmsKeyId,
        keyVersion,
        current.kmsKeyId,
        current.version,
        Buffer.from(parsed.contextBytes).toString("base64"),
        Buffer.from(parsed.wrappedKey).toString("base64"),
      ].join(" ");
      pending = shared.get(request) ?? reEncrypt();
      if (!shared.has(request)) {
        shared.set(request, pending);
        pending.catch(() => shared.delete(request)); // a failure is not kept for later records
      }
    } else pending = reEncrypt();
    const { wrapped } = await pending;
    return {
      envelope: replaceKeySlot(parsed, current.version, wrapped),
      keyName,
      fromVersion: keyVersion,
      toVersion: current.version,
    };
  }

  return { encrypt, decrypt, decryptStored, rewrap, rewrapStored, issueEnvelopeKey, openEnvelopeKey };
}
