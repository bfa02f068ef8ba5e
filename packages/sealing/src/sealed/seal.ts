import { concatBytes, copyBytes, randomBytes } from "../bytes";
import { SealingError } from "../errors";
import { AAD_BYTES, encodeSealedHeader, NONCE_BYTES, SEALED_IV_BYTES, SEALED_KEY_BYTES } from "./format";

// Sealing, on WebCrypto alone (the browser, and Node 20+ through globalThis.crypto): a fresh AES-256
// key per payload, wrapped with the service's RSA key, so only the service (through KMS) can open
// it. The AAD binds the timestamp, nonce and digest, which the server checks against replay.

const subtle = () => globalThis.crypto.subtle;

/** SHA-256 of the SPKI DER: names the seal key inside every payload. */
export async function fingerprintOf(spki: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await subtle().digest("SHA-256", copyBytes(spki)));
}

/** A WebCrypto key, named without the DOM lib (Node's types have no global CryptoKey). */
export type SealKey = Awaited<ReturnType<ReturnType<typeof subtle>["importKey"]>>;

export async function importSealKey(spki: Uint8Array): Promise<SealKey> {
  try {
    return await subtle().importKey("spki", copyBytes(spki), { name: "RSA-OAEP", hash: "SHA-256" }, false, [
      "encrypt",
    ]);
  } catch {
    throw new SealingError(
      "seal_key_unusable",
      "The service's public key could not be read. Reload and retry.",
    );
  }
}

/** The random parts of a payload; only the vectors fix them. */
export interface SealRandomness {
  aesKey: Uint8Array;
  iv: Uint8Array;
  nonce: Uint8Array;
}

export async function sealPayload(input: {
  /** The seal key's SubjectPublicKeyInfo, DER (keys.publicKey's `spki`, decoded). */
  spki: Uint8Array;
  plaintext: Uint8Array;
  /** Epoch milliseconds; the server refuses a payload more than 5 minutes away from its clock. */
  timestampMs?: number;
  randomness?: SealRandomness;
}): Promise<Uint8Array<ArrayBuffer>> {
  const { aesKey, iv, nonce } = input.randomness ?? {
    aesKey: randomBytes(SEALED_KEY_BYTES),
    iv: randomBytes(SEALED_IV_BYTES),
    nonce: randomBytes(NONCE_BYTES),
  };
  const rsaKey = await importSealKey(input.spki);
  const wrappedKey = new Uint8Array(await subtle().encrypt({ name: "RSA-OAEP" }, rsaKey, copyBytes(aesKey)));
  const header = encodeSealedHeader({
    fingerprint: await fingerprintOf(input.spki),
    timestampMs: input.timestampMs ?? Date.now(),
    nonce,
    digest: new Uint8Array(await subtle().digest("SHA-256", copyBytes(input.plaintext))),
    wrappedKeyBytes: wrappedKey.length,
  });
  const gcmKey = await subtle().importKey("raw", copyBytes(aesKey), "AES-GCM", false, ["encrypt"]);
  const ciphertext = await subtle().encrypt(
    { name: "AES-GCM", iv: copyBytes(iv), additionalData: header.subarray(0, AAD_BYTES) },
    gcmKey,
    copyBytes(input.plaintext),
  );
  return concatBytes(header, wrappedKey, iv, new Uint8Array(ciphertext));
}
