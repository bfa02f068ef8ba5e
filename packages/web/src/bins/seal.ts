import { type BinSecrets, sealBin, toBase64url } from "@coffer/sealing/bins";
import { limits } from "@coffer/client";
import { type ContentDraft, payloadOf } from "./content";

// Encrypts a draft for one version of a bin and returns the wire fields that create and update
// share: the ciphertext (inline, or its size when it goes to object storage) and the proofs'
// hashes, never a secret or a proof.
export async function sealDraft(input: {
  secrets: BinSecrets;
  binId: string;
  version: number;
  draft: ContentDraft;
  passphrase: string;
}) {
  const payload = await payloadOf(input.draft);
  const sealed = await sealBin({
    secrets: input.secrets,
    binId: input.binId,
    version: input.version,
    payload,
    passphrase: input.passphrase,
  });
  const inline = sealed.ciphertext.length <= limits.maxBinCiphertextBytes;
  return {
    /** For the upload, when the ciphertext goes to object storage. */
    ciphertext: inline ? undefined : sealed.ciphertext,
    wire: {
      kind: payload.kind,
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
