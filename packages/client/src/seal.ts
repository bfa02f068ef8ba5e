import { fromBase64url, sealPayload, toBase64url } from "@coffer/sealing/sealed";

// Sealing in one call, for a service or a page (docs/sealed.md): the result goes as is into
// crypto.openSealed, records.putSealed or requests.submit. WebCrypto, so it runs in browsers and in
// Node 20+.

/** keys.publicKey's answer, or its `spki` (base64url), or the SPKI DER bytes. */
export type SealPublicKey = { spki: string } | string | Uint8Array;

/** Seals `plaintext` (bytes, or a string as UTF-8) to the service's key; returns base64url. */
export async function seal(publicKey: SealPublicKey, plaintext: Uint8Array | string): Promise<string> {
  const spki =
    publicKey instanceof Uint8Array
      ? publicKey
      : fromBase64url(typeof publicKey === "string" ? publicKey : publicKey.spki);
  const bytes = typeof plaintext === "string" ? new TextEncoder().encode(plaintext) : plaintext;
  return toBase64url(await sealPayload({ spki, plaintext: bytes }));
}
