import { type BinSecrets } from "@coffer/sealing/bins";
import { sealBinVersion } from "@coffer/client";
import { type ContentDraft, payloadOf } from "./content";

// Encrypts a draft for one version of a bin: the wire fields come from @coffer/client, which the
// CLI shares, so both send exactly the same thing.
export async function sealDraft(input: {
  secrets: BinSecrets;
  binId: string;
  version: number;
  draft: ContentDraft;
  passphrase: string;
}) {
  return sealBinVersion({ ...input, payload: await payloadOf(input.draft) });
}
