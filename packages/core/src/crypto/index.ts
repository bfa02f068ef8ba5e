// The crypto core's public surface. Everything else in this folder is an implementation detail.
export { assertValidContext, kmsContextFor, type EncryptionContext } from "./context";
export {
  createEnvelopeCrypto,
  type AuthorizeEnvelope,
  type DecryptResult,
  type EnvelopeKeyRef,
  MAX_ENVELOPE_BYTES,
  type EnvelopeCrypto,
  type EnvelopeCryptoDeps,
  type EnvelopeDataKey,
  type KeyUseCounter,
  type RewrapResult,
  type SharedReEncrypts,
} from "./envelope-crypto";
export {
  createLocalEnvelopeCrypto,
  type IssuedEnvelopeKey,
  type LocalEnvelopeCrypto,
  type LocalKeyApi,
} from "./local-mode";
export { EnvelopeReason } from "./errors";
export { inspectEnvelope, type EnvelopeHeader } from "./inspect";
export { createStaticKeyRing, type EnvelopeKey, type EnvelopeKeyRing } from "./key-ring";
export { MAX_BYTES_PER_DATA_KEY, MAX_MESSAGES_PER_DATA_KEY } from "./data-key-cache";
