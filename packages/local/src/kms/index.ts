// The KMS emulator: a node:http server that speaks the AWS KMS JSON 1.1 protocol, so that an
// unchanged @aws-sdk/client-kms reaches it through `endpoint`. Spec: shared/notes/kms-emulator.md.
export { startKmsEmulator, type KmsEmulator, type KmsEmulatorOptions } from "./emulator";
export type { FaultRule, FaultScope } from "./fault-rule";
export type { KmsSnapshot } from "./persistence";
export { generateRsaMaterial } from "./material";
export type { RsaKeySpec, RsaMaterial } from "./model";
export { provisionCatalogKeys, type ProvisionedCatalog, type ProvisionedKey } from "./catalog";
