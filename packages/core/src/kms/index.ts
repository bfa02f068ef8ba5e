export * from "./port";
export { createAwsKms, createKmsClient } from "./aws";
