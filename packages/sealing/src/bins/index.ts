// Secure-bin cryptography shared by the browser and the server (DESIGN §6), on WebCrypto alone:
// `npm run lint` refuses a node: module or another Coffer package anywhere in @coffer/sealing.
export { fromBase64url, randomBytes, toBase64url } from "../bytes";
export { BIN_IV_BYTES, decryptBinContent, encryptBinContent } from "./content";
export {
  BIN_KEY_BYTES,
  type BinSecrets,
  BROWSER_SECRET_BYTES,
  type ContentKey,
  deriveManageCommitment,
  derivePassphraseKey,
  deriveReadSecrets,
  hashProof,
  PASSPHRASE_ITERATIONS,
  PASSPHRASE_SALT_BYTES,
  type ReadSecrets,
} from "./derive";
export { manageLink, parseManageFragment, parseShareFragment, parseShareLink, shareLink } from "./links";
export { type BinPayload, decodeBinPayload, encodeBinPayload } from "./payload";
export { newBrowserSecret, openBin, type SealedBin, sealBin, unlockBin } from "./seal";
