import type { TRPCClient } from "@trpc/client";
import type { AppRouter } from "@coffer/functions/router";
import {
  type BinPayload,
  type BinSecrets,
  fromBase64url,
  openBin,
  toBase64url,
  unlockBin,
} from "@coffer/sealing/bins";
import { downloadCiphertext } from "./bin-objects";

// Reveals a bin on the reader's side (browser or CLI): derives the proofs from the link's secrets
// (and the passphrase), spends one read, fetches the ciphertext (inline, or from object storage for
// a large one) and opens it. The server only ever sees the proofs.
export async function revealBin(
  client: TRPCClient<AppRouter>,
  input: {
    binId: string;
    secrets: BinSecrets;
    passphrase?: string | undefined;
    passphraseSalt?: Uint8Array | undefined;
  },
): Promise<{ payload: BinPayload; readsLeft: number }> {
  const { binId } = input;
  const { contentKey, linkProof, readProof } = await unlockBin(input);
  const revealed = await client.bins.reveal.mutate({
    binId,
    linkProof: toBase64url(linkProof),
    readProof: toBase64url(readProof),
  });
  const ciphertext =
    "downloadUrl" in revealed
      ? await downloadCiphertext(revealed.downloadUrl).finally(async () => {
          // The last read of a large secret: its object goes now, not at the lifecycle backstop.
          if (revealed.readsLeft === 0)
            await client.bins.release.mutate({ binId, linkProof: toBase64url(linkProof) }).catch(() => {});
        })
      : fromBase64url(revealed.ciphertext);
  const payload = await openBin({
    contentKey,
    binId,
    version: revealed.version,
    iv: fromBase64url(revealed.iv),
    ciphertext,
  });
  return { payload, readsLeft: revealed.readsLeft };
}
