import { concatBytes, copyBytes, utf8 } from "../bytes";

// Everything a secure bin needs comes from one 256-bit data key that KMS issued for the bin
// (DESIGN §6). The browser derives all of it from the link's fragment; the server recomputes only
// the manage commitment, from the key it unwraps through KMS. WebCrypto only, so that this one file
// runs in both places and the two can never disagree.
//
// Changing a label, the info layout or the iteration count changes every bin already shared:
// bump "v1" with it.

const LABELS = {
  content: "coffer/bin/v1/content",
  manage: "coffer/bin/v1/manage",
  read: "coffer/bin/v1/read",
} as const;
export type BinKeyLabel = keyof typeof LABELS;

export const BIN_KEY_BYTES = 32;
export const PASSPHRASE_SALT_BYTES = 16;
/** OWASP's floor for PBKDF2-HMAC-SHA-256 (Password Storage Cheat Sheet). */
export const PASSPHRASE_ITERATIONS = 600_000;

const subtle = () => globalThis.crypto.subtle;
export type ContentKey = Awaited<ReturnType<ReturnType<typeof subtle>["importKey"]>>;

/**
 * HKDF-SHA-256 with the label and the bin id in `info`: each output serves one purpose and one bin.
 * The data key is already uniformly random, so HKDF's salt adds nothing and stays empty.
 */
export async function deriveBinBytes(
  ikm: Uint8Array,
  label: BinKeyLabel,
  binId: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const key = await subtle().importKey("raw", copyBytes(ikm), "HKDF", false, ["deriveBits"]);
  const info = utf8(`${LABELS[label]}\0${binId}`);
  const bits = await subtle().deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info },
    key,
    256,
  );
  return new Uint8Array(bits);
}

/**
 * Proves "I hold this bin's key" to update or delete it. It depends on the key only (never on the
 * passphrase), because the server must recompute it from the key that KMS unwraps.
 */
export function deriveManageCommitment(key: Uint8Array, binId: string): Promise<Uint8Array<ArrayBuffer>> {
  return deriveBinBytes(key, "manage", binId);
}

/**
 * The stretched passphrase. It is folded into the read proof and the content key, so a wrong
 * passphrase gives a wrong read proof and the server refuses the reveal before anything burns.
 */
export async function derivePassphraseKey(
  passphrase: string,
  salt: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  const material = await subtle().importKey("raw", utf8(passphrase.normalize("NFC")), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await subtle().deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: copyBytes(salt), iterations: PASSPHRASE_ITERATIONS },
    material,
    256,
  );
  return new Uint8Array(bits);
}

export interface ReadSecrets {
  /** AES-256-GCM, non-extractable. */
  contentKey: ContentKey;
  /** Sent with a reveal; the server keeps only its SHA-256. */
  readProof: Uint8Array<ArrayBuffer>;
}

/** What a reader derives: the content key and the read proof, both behind the passphrase if any. */
export async function deriveReadSecrets(
  key: Uint8Array,
  binId: string,
  passphraseKey?: Uint8Array,
): Promise<ReadSecrets> {
  const ikm = passphraseKey ? concatBytes(key, passphraseKey) : copyBytes(key);
  try {
    const [contentBytes, readProof] = await Promise.all([
      deriveBinBytes(ikm, "content", binId),
      deriveBinBytes(ikm, "read", binId),
    ]);
    const contentKey = await subtle().importKey("raw", contentBytes, "AES-GCM", false, [
      "encrypt",
      "decrypt",
    ]);
    contentBytes.fill(0);
    return { contentKey, readProof };
  } finally {
    ikm.fill(0);
  }
}
