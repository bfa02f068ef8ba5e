import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { addDeadline, awsClientConfig, type SdkTimeouts } from "../aws-client";
import { limits } from "../config";
import { CofferError } from "../errors";
import type { BinObjects } from "./port";

export interface S3ClientOptions {
  /** Only for a local S3-compatible server; in AWS the SDK resolves it. */
  endpoint?: string;
  /** The function's SDK time budget (aws-client), as for KMS and DynamoDB. */
  timeouts?: SdkTimeouts;
}

export function createS3Client(options: S3ClientOptions = {}): S3Client {
  const config = awsClientConfig(options);
  const client = new S3Client({
    ...config,
    // A local server answers on one host name; AWS's buckets have their own (virtual-hosted style).
    forcePathStyle: options.endpoint !== undefined,
  });
  return options.timeouts ? addDeadline(client, options.timeouts.deadlineMs) : client;
}

const unavailable = (cause: unknown) =>
  new CofferError("unavailable", "File storage is unavailable. Retry shortly.", {
    reason: "objects_unavailable",
    cause,
  });

export function createS3BinObjects({ client, bucket }: { client: S3Client; bucket: string }): BinObjects {
  const send = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw unavailable(error);
    }
  };
  return {
    presignUpload: (key, sizeBytes) =>
      send(() =>
        getSignedUrl(
          client,
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            ContentLength: sizeBytes,
            ContentType: "application/octet-stream",
          }),
          // Signed, so the browser can upload exactly this many bytes of this type, and nothing else.
          {
            expiresIn: limits.binUploadUrlSeconds,
            signableHeaders: new Set(["content-length", "content-type"]),
          },
        ),
      ),
    presignDownload: (key) =>
      send(() =>
        getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), {
          expiresIn: limits.binDownloadUrlSeconds,
        }),
      ),
    remove: async (key) => {
      await send(() => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
    },
    exists: async (key) => {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
          return false;
        throw unavailable(error);
      }
    },
  };
}
