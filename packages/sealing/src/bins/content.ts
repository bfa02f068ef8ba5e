import { SealingError } from "../errors";
import { copyBytes, randomBytes, utf8 } from "../bytes";
import type { ContentKey } from "./derive";

// AES-256-GCM under the bin's content key. The AAD binds the bin id and the version, so the server
// cannot swap one bin's ciphertext into another, nor serve an older version as the current one.
// Each update encrypts with a fresh random IV; a bin sees far fewer than 2^32 of them.

export const BIN_IV_BYTES = 12;

const aadFor = (binId: string, version: number) => utf8(`coffer/bin/v2/aad\0${binId}\0${version}`);

export async function encryptBinContent(input: {
  contentKey: ContentKey;
  binId: string;
  version: number;
  plaintext: Uint8Array;
}) {
  const iv = randomBytes(BIN_IV_BYTES);
  const sealed = await globalThis.crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: aadFor(input.binId, input.version) },
    input.contentKey,
    copyBytes(input.plaintext),
  );
  return { iv, ciphertext: new Uint8Array(sealed) };
}

export async function decryptBinContent(input: {
  contentKey: ContentKey;
  binId: string;
  version: number;
  iv: Uint8Array;
  ciphertext: Uint8Array;
}): Promise<Uint8Array<ArrayBuffer>> {
  try {
    const opened = await globalThis.crypto.subtle.decrypt(
      { name: "AES-GCM", iv: copyBytes(input.iv), additionalData: aadFor(input.binId, input.version) },
      input.contentKey,
      copyBytes(input.ciphertext),
    );
    return new Uint8Array(opened);
  } catch {
    throw new SealingError(
      "bin_content_unreadable",
      "The content could not be decrypted: the link is damaged or the bin was tampered with.",
    );
  }
}
