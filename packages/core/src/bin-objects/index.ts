export { binObjectKey, type BinObjects } from "./port";
export { createS3BinObjects, createS3Client, type S3ClientOptions } from "./s3";
