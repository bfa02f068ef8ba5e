// Encrypt and decrypt over a key ring, a key source and the two key caches: the one implementation
// of both paths, used by the service (keys from KMS) and by local mode in @coffer/client (keys from
// the service). Checks run cheapest first, and everything the caller sent is checked before any
// key is fetched.
import type { Clock } from "../clock";
import { limits } from "../config";
import type { Kms } from "../kms";
import { silentTelemetry, type Telemetry } from "../telemetry";
import { decodeContext, encodeValidContext, type EncryptionContext } from "./context";
import { createDataKeyCache } from "./data-key-cache";
import { assertContextMatches, openEnvelope, sealEnvelope } from "./envelope";
import { envelopeTooLarge, plaintextTooLarge } from "./errors";
import {
  ALGORITHM_ID,
  envelopeSize,
  MAX_KEY_NAME_BYTES,
  MAX_WRAPPED_KEY_BYTES,
  modeOf,
  parseEnvelope,
  type ParsedEnvelope,
} from "./format";
import type { EnvelopeKeyRing } from "./key-ring";
import type { KeySource } from "./key-source";
import { memoizedMessageKeys } from "./message-key-memo";
import { createIvSource } from "./nonces";
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

/** What the authorization hook sees of a parsed header: which key and version, nothing secret. */
export interface EnvelopeKeyRef {
  keyName: string;
  keyVersion: number;
}

/**
 * Runs on the parsed header before any key-ring lookup or KMS call; throws (for example
 * CofferError("forbidden")) to refuse. Core's crypto knows no callers: the services pass this in.
 */
export type AuthorizeEnvelope = (header: EnvelopeKeyRef) => void;

export interface DecryptResult {
  plaintext: Buffer;
  keyName: string;
  keyVersion: number;
}

/** A port for the usage counters: crypto reports what it did, and never waits for them. */
export interface KeyUseCounter {
  countKeyUse(use: {
    keyName: string;
    keyVersion: number;
    kind: "encrypt" | "decrypt";
    bytes: number;
    tokenId?: string;
  }): void;
}

/** Whose use an operation is, for the usage counters: the calling token's id, when there is one. */
export interface UsedBy {
  usedBy?: string | undefined;
}

export interface EnvelopeSealingDeps {
  clock: Clock;
  keys: EnvelopeKeyRing;
  /** KMS itself (the service), or another source of data keys (local mode). */
  source: KeySource | Kms;
  /** Told of every successful encrypt and decrypt (the usage meter); none in local mode. */
  usage?: KeyUseCounter | undefined;
  /** Told of every cache lookup (hit, miss, bypass); silent when absent. */
  telemetry?: Telemetry | undefined;
}

export type EnvelopeSealing = ReturnType<typeof createEnvelopeSealing>;

// Module-level, not a closure per call: these run on every message.
const latin1 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");

export function createEnvelopeSealing({
  clock,
  keys,
  source,
  usage,
  telemetry = silentTelemetry,
}: EnvelopeSealingDeps) {
  const counted = (
    kind: "encrypt" | "decrypt",
    keyName: string,
    keyVersion: number,
    bytes: number,
    usedBy: string | undefined,
  ) =>
    usage?.countKeyUse({
      keyName,
      keyVersion,
      kind,
      bytes,
      ...(usedBy !== undefined ? { tokenId: usedBy } : {}),
    });

  const dataKeys = createDataKeyCache({
    source,
    clock,
    onLookup: (outcome) => telemetry.keyCache({ cache: "dataKey", outcome }),
  });
  const nextIv = createIvSource();
  const unwrappedKeys = createUnwrappedKeyCache({
    source,
    clock,
    onLookup: (outcome) => telemetry.keyCache({ cache: "unwrappedKey", outcome }),
  });

  async function encrypt(
    input: {
      keyName: string;
      plaintext: Uint8Array;
      context: EncryptionContext;
    } & UsedBy,
  ): Promise<Buffer> {
    const { plaintext, context } = input;
    if (plaintext.byteLength > limits.maxPlaintextBytes) throw plaintextTooLarge(limits.maxPlaintextBytes);
    const contextBytes = encodeValidContext(context);
    const key = await keys.encryptionKey(input.keyName);
    const request = { key, context, contextBytes, plaintextBytes: plaintext.byteLength };
    let keyVersion = key.version;
    const envelope = await dataKeys.withDataKey(request, (dataKey) => {
      keyVersion = dataKey.keyVersion;
      // The data key says what it was issued for: the service issues it for the key's current
      // version and mode, and in local mode the service's answer is what counts.
      const algorithmId = ALGORITHM_ID[dataKey.mode];
      // KMS mode: a cached data key serves one context, so it has one set of message keys.
      // Derived mode: it serves every context, each with its own message keys.
      const memoId = dataKey.mode === "derived" ? contextBytes.toString("latin1") : "";
      const messageKeys = memoizedMessageKeys(dataKey, memoId, dataKey.salt, algorithmId, contextBytes);
      return sealEnvelope(
        {
          algorithmId,
          salt: dataKey.salt,
          keys: messageKeys,
          wrappedKey: dataKey.wrappedKey,
          keyName: key.name,
          keyVersion: dataKey.keyVersion,
          contextBytes,
          plaintext,
        },
        nextIv(),
      );
    });
    counted("encrypt", key.name, keyVersion, plaintext.byteLength, input.usedBy);
    return envelope;
  }

  /**
   * The one parse of a request: size, then format, then the caller's hook on the header. Every
   * later step reads what this returns, so no envelope is parsed twice (STYLE habit 17).
   */
  function parseAndAuthorize(envelope: Uint8Array, authorize: AuthorizeEnvelope | undefined) {
    if (envelope.byteLength > MAX_ENVELOPE_BYTES) throw envelopeTooLarge(MAX_ENVELOPE_BYTES);
    const parsed = parseEnvelope(envelope);
    authorize?.({ keyName: parsed.keyName, keyVersion: parsed.keyVersion });
    return parsed;
  }

  /** Unwraps the data key (cached) and opens the payload; `context` is the header's, decoded. */
  async function open(
    parsed: ParsedEnvelope,
    context: EncryptionContext,
    usedBy: string | undefined,
  ): Promise<DecryptResult> {
    const { keyName, keyVersion, wrappedKey, keyBinding, salt, algorithmId, contextBytes } = parsed;
    // The lifecycle hook: a version below the key's minimum is refused here, before KMS.
    const key = await keys.decryptionKey(keyName, keyVersion);
    // The header, not the key's current mode, says how this envelope was made.
    const mode = modeOf(algorithmId);
    const request = { key, mode, keyVersion, context, wrappedKey, keyBinding };
    const plaintext = await unwrappedKeys.withUnwrappedKey(request, (dataKey) => {
      // An unwrapped key serves one context in KMS mode, every context in derived mode; the salt
      // (32 bytes, so the concatenation is unambiguous) is the data key's, or per message in
      // envelopes made before salts were kept per data key.
      const contextId = mode === "derived" ? latin1(contextBytes) : "";
      const memoId = latin1(salt) + contextId;
      const messageKeys = memoizedMessageKeys(dataKey, memoId, salt, algorithmId, contextBytes);
      return openEnvelope(parsed, messageKeys);
    });
    counted("decrypt", keyName, keyVersion, plaintext.byteLength, usedBy);
    return { plaintext, keyName, keyVersion };
  }

  /** Decrypts for a caller who must send the context the envelope was made with. */
  async function decrypt(
    input: {
      envelope: Uint8Array;
      context: EncryptionContext;
      authorize?: AuthorizeEnvelope;
    } & UsedBy,
  ): Promise<DecryptResult> {
    const { context } = input;
    const contextBytes = encodeValidContext(context);
    const parsed = parseAndAuthorize(input.envelope, input.authorize);
    assertContextMatches(parsed, contextBytes);
    // From here on the header's context is the caller's: their canonical bytes are equal.
    return open(parsed, context, input.usedBy);
  }

  /**
   * Decrypts an envelope this service stored itself (records): the header's context is the one
   * to use, decoded once (strictly) and returned, never re-validated or re-encoded.
   */
  async function decryptStored(
    input: {
      envelope: Uint8Array;
      authorize?: AuthorizeEnvelope;
    } & UsedBy,
  ): Promise<DecryptResult & { context: EncryptionContext }> {
    const parsed = parseAndAuthorize(input.envelope, input.authorize);
    const context = decodeContext(parsed.contextBytes);
    return { ...(await open(parsed, context, input.usedBy)), context };
  }

  /** Zero-fills and forgets every cached key (keys in use are wiped when their users finish). */
  function clear(): void {
    dataKeys.clear();
    unwrappedKeys.clear();
  }

  return { encrypt, decrypt, decryptStored, parseAndAuthorize, unwrappedKeys, clear, counted };
}
