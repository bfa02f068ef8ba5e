// The AWS JSON 1.1 wire protocol as the SDK speaks it (spec §1): what a request must look like, and
// how answers and errors are written. Every answer, errors included, is JSON with a request id, so
// the SDK never meets a body it cannot parse.
import type { IncomingMessage, ServerResponse } from "node:http";
import { KmsError, kmsError } from "./errors";
import type { RequestBody } from "./input";

export const TARGET_PREFIX = "TrentService.";
const CONTENT_TYPE = "application/x-amz-json-1.1";

// The shape of a SigV4 header for the kms service. The signature itself is not checked.
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=[^/\s,]+\/\d{8}\/[^/\s,]+\/kms\/aws4_request,\s*SignedHeaders=[a-z0-9;-]+,\s*Signature=[0-9a-f]{64}$/;

/** The largest body read in full. KMS's largest real input (a 6 KiB blob plus a context) is far below. */
export const MAX_BODY_BYTES = 1024 * 1024;

export type BodyRead = { ok: true; bytes: Buffer } | { ok: false };

/** Reads the whole body; past the limit it keeps draining (so the answer can still be sent) but drops it. */
export function readBody(request: IncomingMessage): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on("end", () =>
      resolve(size <= MAX_BODY_BYTES ? { ok: true, bytes: Buffer.concat(chunks) } : { ok: false }),
    );
    request.on("error", reject);
  });
}

/** The operation named by `X-Amz-Target`, or a KmsError saying why there is none. */
export function readTarget(request: IncomingMessage): string {
  const target = request.headers["x-amz-target"];
  if (
    typeof target !== "string" ||
    !target.startsWith(TARGET_PREFIX) ||
    target.length === TARGET_PREFIX.length
  )
    throw kmsError(
      "UnknownOperationException",
      "The X-Amz-Target header must name a TrentService operation.",
    );
  return target.slice(TARGET_PREFIX.length);
}

/** Content type and authentication shape, in the order KMS checks them (spec §1). */
export function checkRequestHeaders(request: IncomingMessage): void {
  const contentType = request.headers["content-type"] ?? "";
  if (!/application\/x-amz-json-1\.[01]\b/.test(contentType))
    throw kmsError("UnknownOperationException", `Content-Type must be ${CONTENT_TYPE}.`);
  const authorization = request.headers.authorization;
  if (authorization === undefined)
    throw kmsError("MissingAuthenticationTokenException", "Missing Authentication Token");
  if (!AUTHORIZATION.test(authorization))
    throw kmsError(
      "IncompleteSignatureException",
      "The Authorization header must be AWS4-HMAC-SHA256 Credential=<id>/<date>/<region>/kms/aws4_request, SignedHeaders=..., Signature=...",
    );
}

/** The request members. An empty body counts as `{}`; anything but a JSON object is refused. */
export function parseBody(bytes: Buffer): RequestBody {
  if (bytes.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw kmsError("SerializationException", "The request body is not valid JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw kmsError("SerializationException", "The request body must be a JSON object.");
  return value as RequestBody;
}

export function sendJson(response: ServerResponse, status: number, body: object, requestId: string): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": CONTENT_TYPE,
    "Content-Length": Buffer.byteLength(text),
    "x-amzn-RequestId": requestId,
  });
  response.end(text);
}

export function sendError(response: ServerResponse, error: KmsError, requestId: string): void {
  if (!response.headersSent) response.setHeader("x-amzn-ErrorType", error.type);
  sendJson(response, error.status, { __type: error.type, message: error.message }, requestId);
}

/** Anything thrown that is not a KmsError is a bug of ours: a generic 500, never a stack trace. */
export function toKmsError(error: unknown): KmsError {
  if (error instanceof KmsError) return error;
  return kmsError(
    "KMSInternalException",
    "The KMS emulator failed unexpectedly. This is a bug in the emulator.",
  );
}
