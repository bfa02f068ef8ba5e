import type { TRPCClient } from "@trpc/client";
import type { AppRouter } from "@coffer/functions/router";
import {
  type BinPayload,
  fromBase64url,
  manageLink,
  newBrowserSecret,
  shareLink,
} from "@coffer/sealing/bins";
import { uploadCiphertext } from "./bin-objects";
import { sealBinVersion } from "./bin-seal";

// Creates a bin on the creator's side (browser or CLI): a KMS key from the server, a secret of this
// side's own, encryption here, then only ciphertext and proof hashes to the server (a large
// ciphertext straight to object storage). The links it returns are the only copies of the secrets.
export async function createBin(
  client: TRPCClient<AppRouter>,
  input: {
    payload: BinPayload;
    passphrase?: string | undefined;
    expiresInSeconds: number;
    maxReads: number;
    /** Where the web app is served: the links point there. */
    origin: string;
  },
): Promise<{ binId: string; share: string; manage: string; expiresAt: number }> {
  const issued = await client.bins.issueKey.mutate();
  const secrets = { kmsKey: fromBase64url(issued.key), browserSecret: newBrowserSecret() };
  const sealed = await sealBinVersion({
    secrets,
    binId: issued.binId,
    version: 1,
    payload: input.payload,
    passphrase: input.passphrase,
  });
  const created = await client.bins.create.mutate({
    binId: issued.binId,
    wrappedKey: issued.wrappedKey,
    ...sealed.wire,
    manageCommitment: sealed.manageCommitment,
    expiresInSeconds: input.expiresInSeconds,
    maxReads: input.maxReads,
  });
  if (created.uploadUrl && sealed.ciphertext) await uploadCiphertext(created.uploadUrl, sealed.ciphertext);
  return {
    binId: issued.binId,
    share: shareLink(input.origin, issued.binId, secrets),
    manage: manageLink(input.origin, issued.binId, secrets, issued.wrappedKey),
    expiresAt: created.expiresAt,
  };
}
