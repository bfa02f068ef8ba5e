import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// A real S3-compatible server for large bin contents (DESIGN §9), in this process, without Docker.
// @20minutes/s3rver is the maintained fork of s3rver (the original is unmaintained since 2021): pure
// Node, files on disk, SigV4 checked for headers and presigned URLs (expiry included), and bucket
// CORS rules, which the browser's direct uploads and downloads need.

export interface LocalS3Options {
  port?: number;
  /** Keep objects here; without it they live in a temporary folder removed on close. */
  directory?: string;
  bucket: string;
  /** The same static credentials the local stack gives the SDK clients. */
  accessKeyId: string;
  secretAccessKey: string;
}

export interface LocalS3 {
  url: string;
  bucket: string;
  close(): Promise<void>;
}

/** The browser uploads (PUT) and downloads (GET) with presigned URLs from any local origin. */
const CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <MaxAgeSeconds>600</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  // Loaded here rather than at the top: s3rver and its Koa stack take a second or more to load,
  // and the local stack starts this server while DynamoDB Local boots (stack/index.ts).
  const [{ default: S3rver }, { DUMMY_ACCOUNT }] = await Promise.all([
    import("@20minutes/s3rver"),
    import("@20minutes/s3rver/lib/models/account.js"),
  ]);
  const temporary = options.directory ? undefined : mkdtempSync(join(tmpdir(), "coffer-s3-"));
  DUMMY_ACCOUNT.createKeyPair(options.accessKeyId, options.secretAccessKey);
  const server = new S3rver({
    address: "127.0.0.1",
    port: options.port ?? 0,
    silent: true,
    directory: options.directory ?? temporary!,
    vhostBuckets: false,
    configureBuckets: [{ name: options.bucket, configs: [CORS] }],
  });
  const address = await server.run();
  return {
    url: `http://127.0.0.1:${address.port}`,
    bucket: options.bucket,
    close: async () => {
      await server.close();
      if (temporary) rmSync(temporary, { recursive: true, force: true });
    },
  };
}
