// Where large bins keep their ciphertext (DESIGN §6): an S3 bucket in AWS, an S3-compatible server
// locally. The browser moves the bytes itself through short-lived presigned URLs, so the API
// function never carries them (Lambda's 6 MiB payload limit) and never needs them.

export interface BinObjects {
  /** A URL that accepts one PUT of exactly `sizeBytes` bytes to `key`, for a few minutes. */
  presignUpload(key: string, sizeBytes: number): Promise<string>;
  /** A URL that serves `key` for a few minutes. */
  presignDownload(key: string): Promise<string>;
  /** Deletes `key`; deleting a missing object is not an error. */
  remove(key: string): Promise<void>;
  /** Whether `key` exists (tests and the local stack). */
  exists(key: string): Promise<boolean>;
}

/** One object per bin version, so an update never overwrites what a reader may be downloading. */
export const binObjectKey = (binId: string, version: number) => `bins/${binId}/v${version}`;
