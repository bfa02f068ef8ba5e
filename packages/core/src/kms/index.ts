export * from "./port";
export { createAwsKms, createKmsClient } from "./aws";
export { observeKms } from "./observed";
