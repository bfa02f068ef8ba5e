import {
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GetPublicKeyCommand,
  KMSClient,
  ListKeyRotationsCommand,
  ReEncryptCommand,
  RotateKeyOnDemandCommand,
} from "@aws-sdk/client-kms";
import { addDeadline, type AwsClientOptions, awsClientConfig, defaultTimeouts } from "../aws-client";
import { CofferError } from "../errors";
import type { KeyRotation, Kms } from "./port";

/** Timeouts and retries come from the function's time budget (aws-client), like DynamoDB's. */
export function createKmsClient(options: AwsClientOptions = {}): KMSClient {
  const timeouts = options.timeouts ?? defaultTimeouts;
  return addDeadline(new KMSClient(awsClientConfig({ ...options, timeouts })), timeouts.deadlineMs);
}

export function createAwsKms(client: KMSClient): Kms {
  const bytes = (blob: Uint8Array | undefined): Buffer => {
    if (!blob)
      throw new CofferError("unavailable", "The key service sent an incomplete answer. Retry shortly.");
    return Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  };
  const spec = (bits: 128 | 256) => (bits === 128 ? "AES_128" : "AES_256");

  return {
    async generateDataKey({ keyId, context, bits }) {
      const out = await call(() =>
        client.send(
          new GenerateDataKeyCommand({
            KeyId: keyId,
            KeySpec: spec(bits),
            EncryptionContext: { ...context },
          }),
        ),
      );
      return {
        plaintext: bytes(out.Plaintext),
        wrapped: bytes(out.CiphertextBlob),
        keyArn: out.KeyId ?? keyId,
      };
    },
    async generateWrappedDataKey({ keyId, context, bits }) {
      const out = await call(() =>
        client.send(
          new GenerateDataKeyWithoutPlaintextCommand({
            KeyId: keyId,
            KeySpec: spec(bits),
            EncryptionContext: { ...context },
          }),
        ),
      );
      return { wrapped: bytes(out.CiphertextBlob), keyArn: out.KeyId ?? keyId };
    },
    async decrypt({ wrapped, context, keyId }) {
      const out = await call(() =>
        client.send(
          new DecryptCommand({ CiphertextBlob: wrapped, EncryptionContext: { ...context }, KeyId: keyId }),
        ),
      );
      return bytes(out.Plaintext);
    },
    async reEncrypt({ wrapped, context, fromKeyId, toKeyId, toContext = context }) {
      const out = await call(() =>
        client.send(
          new ReEncryptCommand({
            CiphertextBlob: wrapped,
            SourceKeyId: fromKeyId,
            SourceEncryptionContext: { ...context },
            DestinationKeyId: toKeyId,
            DestinationEncryptionContext: { ...toContext },
          }),
        ),
      );
      return { wrapped: bytes(out.CiphertextBlob), keyArn: out.KeyId ?? toKeyId };
    },
    async describeKey(keyId) {
      const out = await call(() => client.send(new DescribeKeyCommand({ KeyId: keyId })));
      return { arn: out.KeyMetadata?.Arn ?? keyId, state: out.KeyMetadata?.KeyState ?? "Unknown" };
    },
    async getPublicKey(keyId) {
      const out = await call(() => client.send(new GetPublicKeyCommand({ KeyId: keyId })));
      return { spki: bytes(out.PublicKey), keyArn: out.KeyId ?? keyId };
    },
    async decryptRsa({ keyId, wrapped }) {
      const out = await call(() =>
        client.send(
          new DecryptCommand({
            CiphertextBlob: wrapped,
            KeyId: keyId,
            EncryptionAlgorithm: "RSAES_OAEP_SHA_256",
          }),
        ),
      );
      return bytes(out.Plaintext);
    },
    async rotateKeyOnDemand(keyId) {
      await call(() => client.send(new RotateKeyOnDemandCommand({ KeyId: keyId })));
    },
    async listKeyRotations(keyId) {
      const rotations: KeyRotation[] = [];
      let marker: string | undefined;
      do {
        const out = await call(() =>
          client.send(new ListKeyRotationsCommand({ KeyId: keyId, Limit: 1000, Marker: marker })),
        );
        for (const rotation of out.Rotations ?? []) {
          rotations.push({
            keyMaterialId: rotation.KeyMaterialId ?? "",
            rotatedAt: rotation.RotationDate?.getTime() ?? 0,
            type: rotation.RotationType === "AUTOMATIC" ? "AUTOMATIC" : "ON_DEMAND",
          });
        }
        marker = out.Truncated ? out.NextMarker : undefined;
      } while (marker);
      return rotations.sort((a, b) => a.rotatedAt - b.rotatedAt);
    },
  };
}

async function call<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw toCofferError(error);
  }
}

// Unmodeled KMS errors (ValidationException, ThrottlingException, ...) only carry a name, so every
// rule matches on `name`. Messages never repeat the SDK's text: it can name ARNs.
export function toCofferError(error: unknown): unknown {
  if (error instanceof CofferError) return error;
  const name = (error as { name?: string } | null)?.name ?? "";
  switch (name) {
    case "InvalidCiphertextException":
      return new CofferError(
        "invalid",
        "The wrapped data key was rejected: it was altered, or the encryption context does not match the one it was made with.",
        { reason: "wrapped_key_rejected", cause: error },
      );
    case "IncorrectKeyException":
      return new CofferError("invalid", "The wrapped data key belongs to another key.", {
        reason: "wrong_key",
        cause: error,
      });
    case "DisabledException":
      return new CofferError("key_unusable", "This key is disabled. Ask an administrator to enable it.", {
        reason: "key_disabled",
        cause: error,
      });
    case "KMSInvalidStateException":
      return new CofferError("key_unusable", "This key is pending deletion and cannot be used.", {
        reason: "key_pending_deletion",
        cause: error,
      });
    case "NotFoundException":
      return new CofferError("key_unusable", "The key does not exist in this stage. Check the key name.", {
        reason: "key_not_found",
        cause: error,
      });
    case "LimitExceededException":
      return new CofferError(
        "key_unusable",
        "KMS allows only 10 on-demand rotations per key, and this key has had them all. Rely on its automatic rotation, or move to a new key.",
        { reason: "kms_rotation_limit", cause: error },
      );
    case "AccessDeniedException":
      return new CofferError("forbidden", "This service is not allowed to use that key for this operation.", {
        reason: "kms_access_denied",
        cause: error,
      });
    case "ValidationException":
    case "InvalidKeyUsageException":
      return new CofferError("invalid", "The key service refused the request as malformed.", {
        reason: "kms_validation",
        cause: error,
      });
    case "ThrottlingException":
      // Left after the SDK's own retries. RSA requests (sealed input) reach KMS's quota first.
      return new CofferError("rate_limited", "The key service is busy. Retry in a few seconds.", {
        reason: "kms_throttled",
        cause: error,
      });
    default:
      // 5xx, timeouts, refused or reset connections all mean "try again later". Anything
      // else is a bug of ours and must surface as one, not hide behind "unavailable".
      if (!isServiceOrNetworkError(error)) return error;
      return new CofferError("unavailable", "The key service is unavailable. Retry shortly.", {
        reason: "kms_unavailable",
        cause: error,
      });
  }
}

function isServiceOrNetworkError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return "$metadata" in error || "$fault" in error || typeof code === "string" || name === "TimeoutError";
}
