// Tests only: a bin made the way the web page makes one (issue, seal in "the browser", create), so
// that service and API tests exercise exactly what the page sends.
import { type BinPayload, type BinSecrets, newBrowserSecret, sealBin } from "@coffer/sealing/bins";
import { type BinService, CreateBinInput, type RequestOrigin } from "@coffer/core/bins";

import { b64 } from "./b64";

export interface BinOptions {
  payload?: BinPayload;
  passphrase?: string;
  maxReads?: number;
  expiresInSeconds?: number;
}

/** The create call's wire input (base64url strings), as the page sends it, and the reveal's. */
export async function sealForCreate(
  issued: { binId: string; key: string; wrappedKey: string },
  options: BinOptions = {},
) {
  const secrets: BinSecrets = {
    kmsKey: Buffer.from(issued.key, "base64url"),
    browserSecret: newBrowserSecret(),
  };
  const payload = options.payload ?? { kind: "text", text: "the launch code is 0000" };
  const sealed = await sealBin({
    secrets,
    binId: issued.binId,
    version: 1,
    payload,
    passphrase: options.passphrase,
  });
  const wire = {
    binId: issued.binId,
    wrappedKey: issued.wrappedKey,
    kind: payload.kind,
    ciphertext: b64(sealed.ciphertext),
    iv: b64(sealed.iv),
    ...(sealed.passphraseSalt ? { passphraseSalt: b64(sealed.passphraseSalt) } : {}),
    manageCommitment: b64(sealed.manageCommitment),
    linkProofHash: b64(sealed.linkProofHash),
    readProofHash: b64(sealed.readProofHash),
    ...(options.maxReads !== undefined ? { maxReads: options.maxReads } : {}),
    ...(options.expiresInSeconds !== undefined ? { expiresInSeconds: options.expiresInSeconds } : {}),
  };
  /** What a reader who holds the link (and the passphrase, if any) sends to reveal. */
  const revealWire = {
    binId: issued.binId,
    linkProof: b64(sealed.linkProof),
    readProof: b64(sealed.readProof),
  };
  return { key: Buffer.from(secrets.kmsKey), secrets, sealed, payload, wire, revealWire };
}

export async function createTestBin(bins: BinService, origin: RequestOrigin, options: BinOptions = {}) {
  const issued = await bins.issueKey(origin);
  const made = await sealForCreate(issued, options);
  const created = await bins.create(CreateBinInput.parse(made.wire), origin);
  return { ...issued, ...made, created };
}
