// Where the two key caches get their keys. The service asks KMS; local mode (@coffer/client) asks
// the service, which asks KMS after its own checks. Everything above this port (caches, caps,
// single-flight fills, the envelope) is the same code in both places.
import type { EnvelopeMode } from "../config";
import type { Kms } from "../kms";
import { kmsContextForMode } from "./context";
import type { EncryptionKeyRequest } from "./data-key-cache";
import type { UnwrapRequest } from "./unwrapped-key-cache";

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
