// Sealed input (DESIGN §5, docs/sealed.md): what a browser or a service seals to Coffer's RSA key.
// WebCrypto only: `npm run lint` refuses a node: module or another package here.
export { fromBase64url, toBase64url } from "../bytes";
export {
  AAD_BYTES,
  DIGEST_BYTES,
  FINGERPRINT_BYTES,
  NONCE_BYTES,
  parseSealed,
  SEALED_IV_BYTES,
  SEALED_KEY_BYTES,
  SEALED_TAG_BYTES,
  SEALED_VERSION,
  type SealedPayload,
} from "./format";
export { fingerprintOf, importSealKey, type SealRandomness, sealPayload } from "./seal";
export type { SealedVector, SealedVectorFile } from "./vector-file";
