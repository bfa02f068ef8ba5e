import { type BinPayload, type BinSecrets, sealBin, toBase64url } from "@coffer/sealing/bins";
import { limits } from "@coffer/core/config";

// Encrypts a payload for one version of a bin (on the caller's side: browser or CLI) and returns the
// wire fields that bins.create and bins.update share: the ciphertext (inline, or only its size when
// it goes to object storage) and the proofs' hashes, never a secret or a proof.
export async function sealBinVersion(input: {
  secrets: BinSecrets;
  binId: string;
  version: number;
  payload: BinPayload;
  passphrase?: string | undefined;
}) {
  const sealed = await sealBin(input);
  const inline = sealed.ciphertext.length <= limits.maxBinCiphertextBytes;
  return {
    /** For the upload, when the ciphertext goes to object storage. */
    ciphertext: inline ? undefined : sealed.ciphertext,
    wire: {
      kind: input.payload.kind,
      ...(inline
        ? { ciphertext: toBase64url(sealed.ciphertext) }
        : { objectBytes: sealed.ciphertext.length }),
      iv: toBase64url(sealed.iv),
      ...(sealed.passphraseSalt ? { passphraseSalt: toBase64url(sealed.passphraseSalt) } : {}),
      linkProofHash: toBase64url(sealed.linkProofHash),
      readProofHash: toBase64url(sealed.readProofHash),
    },
    manageCommitment: toBase64url(sealed.manageCommitment),
  };
}
