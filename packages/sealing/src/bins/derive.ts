import { concatBytes, copyBytes, utf8 } from "../bytes";

// Bin format v2 (docs/bins.md). A bin has two secrets that nobody on the server side ever holds
// together: the 256-bit data key that KMS issued for the bin ("kms key") and a 256-bit secret that
// the creator's browser drew itself ("browser secret"). The server can unwrap the kms key (that is
// how it checks the manage link), so everything a reader needs is derived from both: the server,
// its table and KMS together still lack the browser secret. WebCrypto only, so that this one file
// runs in the browser and on the server, and the two can never disagree.
//
// Changing a label, the info layout or the iteration count changes every bin already shared:
// bump "v2" with it.

const LABELS = {
  /** From the kms key alone: the server recomputes it to check a manage link. */
  manage: "coffer/bin/v2/manage",
  /** From both secrets: proves "I hold the whole share link", without the passphrase. */
  link: "coffer/bin/v2/link",
  /** From both secrets and the passphrase: takes a read. */
  read: "coffer/bin/v2/read",
  /** From both secrets and the passphrase: the AES-256-GCM key. */
  content: "coffer/bin/v2/content",
} as const;
export type BinKeyLabel = keyof typeof LABELS;

export const BIN_KEY_BYTES = 32;
/** At least 256 bits of the browser's own randomness (crypto.getRandomValues). */
export const BROWSER_SECRET_BYTES = 32;
export const PASSPHRASE_SALT_BYTES = 16;
/** OWASP's floor for PBKDF2-HMAC-SHA-256 (Password Storage Cheat Sheet). */
export const PASSPHRASE_ITERATIONS = 600_000;

const subtle = () => globalThis.crypto.subtle;
export type ContentKey = Awaited<ReturnType<ReturnType<typeof subtle>["importKey"]>>;

/** What the share link carries after "#": both halves of the bin's secret. */
export interface BinSecrets {
  /** The KMS-issued data key (the server can unwrap this one). */
  kmsKey: Uint8Array;
  /** The browser's own secret (nobody on the server side ever sees it). */
  browserSecret: Uint8Array;
}

/**
 * HKDF-SHA-256 with the label and the bin id in `info`: each output serves one purpose and one bin.
 * The inputs are already uniformly random, so HKDF's salt adds nothing and stays empty.
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
 * Proves "I hold this bin's kms key" to update or delete it. It depends on the kms key only, because
 * the server must recompute it from the key that KMS unwraps; it opens nothing.
 */
export function deriveManageCommitment(kmsKey: Uint8Array, binId: string): Promise<Uint8Array<ArrayBuffer>> {
  return deriveBinBytes(kmsKey, "manage", binId);
}

/** SHA-256, which is all the server keeps of a link or read proof. */
export async function hashProof(proof: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await subtle().digest("SHA-256", copyBytes(proof)));
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
  /** Sent with a reveal: "I hold the whole link". A wrong one is never counted against the bin. */
  linkProof: Uint8Array<ArrayBuffer>;
  /** Sent with a reveal: "…and the passphrase". The server keeps only its SHA-256. */
  readProof: Uint8Array<ArrayBuffer>;
}

/** What a reader derives from the link (and the stretched passphrase, if the bin has one). */
export async function deriveReadSecrets(
  secrets: BinSecrets,
  binId: string,
  passphraseKey?: Uint8Array,
): Promise<ReadSecrets> {
  const linkIkm = concatBytes(secrets.kmsKey, secrets.browserSecret);
  const readIkm = concatBytes(linkIkm, passphraseKey ?? new Uint8Array(0));
  try {
    const [contentBytes, linkProof, readProof] = await Promise.all([
      deriveBinBytes(readIkm, "content", binId),
      deriveBinBytes(linkIkm, "link", binId),
      deriveBinBytes(readIkm, "read", binId),
    ]);
    const contentKey = await subtle().importKey("raw", contentBytes, "AES-GCM", false, [
      "encrypt",
      "decrypt",
    ]);
    contentBytes.fill(0);
    return { contentKey, linkProof, readProof };
  } finally {
    linkIkm.fill(0);
    readIkm.fill(0);
  }
}
