// The shape of docs/envelope-vectors.json, shared by the script that writes it and the test that
// replays it. Byte fields are lowercase hex.
import type { EncryptionContext } from "../context";
import type { EnvelopeReason } from "../errors";

export interface EnvelopeVector {
  name: string;
  description: string;
  /** "ok", or the `reason` of the CofferError that opening must throw. */
  expect: "ok" | EnvelopeReason;
  /** The data key to open with: what KMS Decrypt would return for the key slot. */
  dataKey: string;
  /** The context the caller passes to decrypt (for built vectors, also the header's). */
  context: EncryptionContext;
  envelope: string;
  // Only on vectors that are built (expect "ok"): sealing these gives `envelope` exactly.
  /** 2 for derived mode; absent means 1 (KMS mode), as in every vector made before mode 2. */
  algorithmId?: 2;
  keyName?: string;
  keyVersion?: number;
  wrappedKey?: string;
  salt?: string;
  iv?: string;
  plaintext?: string;
  /** Informative: the KMS encryption context the data key is wrapped under. */
  kmsContext?: EncryptionContext;
  /** Informative: the canonical context bytes and the whole AAD (header without key slot). */
  contextBytes?: string;
  aad?: string;
}

export interface VectorFile {
  about: string;
  vectors: EnvelopeVector[];
}
