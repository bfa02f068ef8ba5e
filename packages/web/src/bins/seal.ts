import { sealBin, toBase64url } from "@coffer/sealing/bins";
import { type ContentDraft, payloadOf } from "./content";

// Encrypts a draft for one version of a bin and returns the wire fields that create and update share.
export async function sealDraft(input: {
  key: Uint8Array;
  binId: string;
  version: number;
  draft: ContentDraft;
  passphrase: string;
}) {
  const payload = await payloadOf(input.draft);
  const sealed = await sealBin({
    key: input.key,
    binId: input.binId,
    version: input.version,
    payload,
    passphrase: input.passphrase,
  });
  return {
    wire: {
      kind: payload.kind,
      ciphertext: toBase64url(sealed.ciphertext),
      iv: toBase64url(sealed.iv),
      ...(sealed.passphraseSalt ? { passphraseSalt: toBase64url(sealed.passphraseSalt) } : {}),
      readProof: toBase64url(sealed.readProof),
    },
    manageCommitment: toBase64url(sealed.manageCommitment),
  };
}
