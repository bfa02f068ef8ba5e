// The shape of docs/sealed-vectors.json (docs/sealed.md). Hex everywhere, as in the other vectors.
export interface SealedVector {
  name: string;
  description: string;
  /** "ok", or the reason the server must refuse with. */
  expect: "ok" | string;
  /** The server's clock when it opens the payload, epoch milliseconds. */
  nowMs: number;
  sealed: string;
  /** For "ok": the plaintext; the random inputs a sealer used, so a sealer can reproduce the rest. */
  plaintext?: string;
  timestampMs?: number;
  nonce?: string;
  aesKey?: string;
  iv?: string;
}

export interface SealedVectorFile {
  description: string;
  /** The test seal key: RSA 3072. Public only in these vectors; never use it for anything else. */
  spki: string;
  privateKeyPkcs8: string;
  fingerprint: string;
  vectors: SealedVector[];
}
