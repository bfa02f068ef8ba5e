// Where the two key caches get their keys. The service asks KMS; local mode (@coffer/client) asks
// the service, which asks KMS after its own checks. Everything above this port (caches, caps,
// single-flight fills, the envelope) is the same code in both places.
import type { EnvelopeMode } from "../config";
import type { Kms } from "../kms";
import { type EncryptionContext, kmsContextForMode } from "./context";
import type { EnvelopeKey } from "./key-ring";

export interface EncryptionKeyRequest {
  /** Its `mode` decides what an entry is keyed by and what KMS wraps the key under. */
  key: EnvelopeKey;
  /** The caller's context, already validated, and its canonical encoding. */
  context: EncryptionContext;
  contextBytes: Uint8Array;
  plaintextBytes: number;
}

export interface UnwrapRequest {
  key: EnvelopeKey;
  /** The envelope's mode (its algorithm id), which need not be the key's current one. */
  mode: EnvelopeMode;
  keyVersion: number;
  /** The caller's context; the KMS context (kmsContextFor) is built from it on a miss. */
  context: EncryptionContext;
  wrappedKey: Uint8Array;
  /**
   * Key name, canonical context, key version and wrapped key, length-prefixed (the envelope's
   * ParsedEnvelope.keyBinding, or keyBinding() in format.ts): the bytes that decide what KMS
   * returns. It must describe the same key slot as the fields above.
   */
  keyBinding: Uint8Array;
}

/** A new data key, with the key version and mode it was wrapped for. */
export interface GeneratedKey {
  plaintext: Buffer;
  wrapped: Buffer;
  keyVersion: number;
  mode: EnvelopeMode;
}

export interface KeySource {
  /** A fresh data key for the request's key (its version and mode) and context; never reused here. */
  generate(request: EncryptionKeyRequest): Promise<GeneratedKey>;
  /** The plaintext of an envelope's wrapped data key. */
  unwrap(request: UnwrapRequest): Promise<Buffer>;
}

/** The service's source: KMS, under the KMS context of the key's mode. */
export function kmsKeySource(kms: Kms): KeySource {
  return {
    async generate({ key, context }) {
      const kmsContext = kmsContextForMode(key.mode, key.name, key.version, context);
      const fresh = await kms.generateDataKey({ keyId: key.kmsKeyId, context: kmsContext, bits: 256 });
      return { plaintext: fresh.plaintext, wrapped: fresh.wrapped, keyVersion: key.version, mode: key.mode };
    },
    unwrap({ key, mode, keyVersion, context, wrappedKey }) {
      const kmsContext = kmsContextForMode(mode, key.name, keyVersion, context);
      return kms.decrypt({ wrapped: wrappedKey, context: kmsContext, keyId: key.kmsKeyId });
    },
  };
}
