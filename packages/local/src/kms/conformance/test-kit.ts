// Shared by the conformance tests: one emulator per test file on a random port, stock KMS clients
// pointed at it, and a way to read an SDK failure as { name, status, attempts }.
import {
  CreateKeyCommand,
  type CreateKeyCommandInput,
  KMSClient,
  type KMSClientConfig,
} from "@aws-sdk/client-kms";
import { afterAll, beforeAll } from "vitest";
import { type KmsEmulator, type KmsEmulatorOptions, startKmsEmulator } from "../index";

export const region = "us-east-1";
export const accountId = "111122223333";

/** A stock client; `maxAttempts: 1` unless a test is about retries. */
export function createClient(url: string, config: Partial<KMSClientConfig> = {}): KMSClient {
  return new KMSClient({
    endpoint: url,
    region,
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "emulator-secret" },
    maxAttempts: 1,
    ...config,
  });
}

/** Starts an emulator for the file and a client on it; both are closed after the file's tests. */
export function useEmulator(options: KmsEmulatorOptions = {}) {
  const context = {} as { emulator: KmsEmulator; client: KMSClient };
  beforeAll(async () => {
    context.emulator = await startKmsEmulator(options);
    context.client = createClient(context.emulator.url);
  });
  afterAll(async () => {
    context.client?.destroy();
    await context.emulator?.close();
  });
  return context;
}

export interface KmsFailure {
  name: string;
  status: number | undefined;
  attempts: number | undefined;
  requestId: string | undefined;
  code: string | undefined;
  message: string;
}

/** The rejection of an SDK call, reduced to what the tests compare. Fails if the call succeeds. */
export async function failureOf(promise: Promise<unknown>): Promise<KmsFailure> {
  try {
    await promise;
  } catch (error) {
    const { name, message, code, $metadata } = error as Error & {
      code?: string;
      $metadata?: { httpStatusCode?: number; attempts?: number; requestId?: string };
    };
    return {
      name,
      message,
      code,
      status: $metadata?.httpStatusCode,
      attempts: $metadata?.attempts,
      requestId: $metadata?.requestId,
    };
  }
  throw new Error("Expected the KMS call to fail, but it succeeded.");
}

export async function createKey(client: KMSClient, input: CreateKeyCommandInput = {}) {
  const { KeyMetadata } = await client.send(new CreateKeyCommand(input));
  if (!KeyMetadata?.KeyId || !KeyMetadata.Arn) throw new Error("CreateKey returned no key");
  return { ...KeyMetadata, KeyId: KeyMetadata.KeyId, Arn: KeyMetadata.Arn };
}

/** A signed-looking raw request, for protocol cases the SDK cannot produce. */
export function rawRequest(
  url: string,
  target: string | undefined,
  body: string,
  headers: Record<string, string> = {},
) {
  return fetch(`${url}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      authorization: fakeAuthorization,
      ...(target === undefined ? {} : { "x-amz-target": target }),
      ...headers,
    },
    body,
  });
}

export const fakeAuthorization =
  "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/kms/aws4_request, " +
  "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" +
  "0".repeat(64);

export const utf8 = (text: string) => new TextEncoder().encode(text);
export const text = (bytes: Uint8Array | undefined) =>
  Buffer.from(bytes ?? new Uint8Array()).toString("utf8");
