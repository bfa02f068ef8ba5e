import { randomBytes } from "../bytes";
import { decryptBinContent, encryptBinContent } from "./content";
import {
  type BinSecrets,
  BROWSER_SECRET_BYTES,
  type ContentKey,
  deriveManageCommitment,
  derivePassphraseKey,
  deriveReadSecrets,
  hashProof,
  PASSPHRASE_SALT_BYTES,
  type ReadSecrets,
} from "./derive";
import { type BinPayload, decodeBinPayload, encodeBinPayload } from "./payload";

// The browser's whole job for one bin, in two calls: seal (create and update) and unlock + open
// (reveal). The server tests use the same calls, so they exercise what the page sends.

/** The browser's half of a bin's secret: drawn here, never sent to the server. */
export const newBrowserSecret = (): Uint8Array<ArrayBuffer> => randomBytes(BROWSER_SECRET_BYTES);

export interface SealedBin {
  ciphertext: Uint8Array<ArrayBuffer>;
  iv: Uint8Array<ArrayBuffer>;
  /** Present when a passphrase protects the bin; stored beside the ciphertext. */
  passphraseSalt: Uint8Array<ArrayBuffer> | undefined;
  /** What the server stores to check a reveal: the proofs' SHA-256, never the proofs. */
  linkProofHash: Uint8Array<ArrayBuffer>;
  readProofHash: Uint8Array<ArrayBuffer>;
  manageCommitment: Uint8Array<ArrayBuffer>;
  /** The proofs themselves, for tests and checks in this browser; a create request carries neither. */
  linkProof: Uint8Array<ArrayBuffer>;
  readProof: Uint8Array<ArrayBuffer>;
}

export async function sealBin(input: {
  secrets: BinSecrets;
  binId: string;
  version: number;
  payload: BinPayload;
  /** Empty or absent: no passphrase. */
  passphrase?: string | undefined;
}): Promise<SealedBin> {
  const passphraseSalt = input.passphrase ? randomBytes(PASSPHRASE_SALT_BYTES) : undefined;
  const { contentKey, linkProof, readProof } = await unlockBin({
    secrets: input.secrets,
    binId: input.binId,
    passphrase: input.passphrase,
    passphraseSalt,
  });
  const { iv, ciphertext } = await encryptBinContent({
    contentKey,
    binId: input.binId,
    version: input.version,
    plaintext: encodeBinPayload(input.payload),
  });
  return {
    ciphertext,
    iv,
    passphraseSalt,
    linkProofHash: await hashProof(linkProof),
    readProofHash: await hashProof(readProof),
    manageCommitment: await deriveManageCommitment(input.secrets.kmsKey, input.binId),
    linkProof,
    readProof,
  };
}

/** The reader's secrets; a bin with a salt needs its passphrase (a missing one is treated as ""). */
export async function unlockBin(input: {
  secrets: BinSecrets;
  binId: string;
  passphrase?: string | undefined;
  passphraseSalt?: Uint8Array | undefined;
}): Promise<ReadSecrets> {
  const passphraseKey = input.passphraseSalt
    ? await derivePassphraseKey(input.passphrase ?? "", input.passphraseSalt)
    : undefined;
  try {
    return await deriveReadSecrets(input.secrets, input.binId, passphraseKey);
  } finally {
    passphraseKey?.fill(0);
  }
}

export async function openBin(input: {
  contentKey: ContentKey;
  binId: string;
  version: number;
  iv: Uint8Array;
  ciphertext: Uint8Array;
}): Promise<BinPayload> {
  return decodeBinPayload(await decryptBinContent(input));
}
