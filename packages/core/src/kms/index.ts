export * from "./port";
export { createAwsKms, createKmsClient, type KmsClientOptions } from "./aws";
