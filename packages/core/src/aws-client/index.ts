import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import { withTimeout } from "../timeout";

// The one place that sets the AWS SDK clients' timeouts and retries (KMS and DynamoDB alike), from
// the time budget of the function that uses them. The rule: one SDK call, with every retry and
// backoff, ends within CALL_SHARE of the function's timeout, so that a hung or throttled
// dependency is answered with SERVICE_UNAVAILABLE by our code, with time to spare, rather than by
// Lambda killing the function (API Gateway's bare 500/503). Two slow calls in a row still fit.

/** The share of the function's timeout that one SDK call (all attempts) may take. */
export const CALL_SHARE = 0.4;
const RETRY_DELAY_MS = 100;
/**
 * A third attempt only when each attempt still gets this long. Retries help against 5xx and
 * throttling, which answer fast; an attempt that timed out may still have been applied, and a
 * retried conditional update then reports a conflict (creates and transactions are safe to retry:
 * db/create-once.ts), so attempts are kept long rather than many.
 */
const MIN_ATTEMPT_FOR_THREE_MS = 1_900;
const MAX_CONNECTION_TIMEOUT_MS = 1_000;

export interface SdkTimeouts {
  maxAttempts: number;
  /** A fixed pause before each retry (throttling included), instead of the SDK's up-to-20 s backoff. */
  retryDelayMs: number;
  connectionTimeoutMs: number;
  /** Socket inactivity after the request is sent. */
  requestTimeoutMs: number;
  /** A hard bound on one call with all its attempts: past it the call fails with a TimeoutError. */
  deadlineMs: number;
}

export function sdkTimeouts(functionTimeoutMs: number): SdkTimeouts {
  const deadlineMs = Math.floor(functionTimeoutMs * CALL_SHARE);
  const maxAttempts = (deadlineMs - 2 * RETRY_DELAY_MS) / 3 >= MIN_ATTEMPT_FOR_THREE_MS ? 3 : 2;
  const perAttemptMs = Math.floor((deadlineMs - (maxAttempts - 1) * RETRY_DELAY_MS) / maxAttempts);
  const connectionTimeoutMs = Math.min(MAX_CONNECTION_TIMEOUT_MS, Math.floor(perAttemptMs / 4));
  return {
    maxAttempts,
    retryDelayMs: RETRY_DELAY_MS,
    connectionTimeoutMs,
    requestTimeoutMs: perAttemptMs - connectionTimeoutMs,
    deadlineMs,
  };
}

/** The longest one call can take if every attempt times out (the deadline cuts it anyway). */
export function worstCaseMs(t: SdkTimeouts): number {
  return t.maxAttempts * (t.connectionTimeoutMs + t.requestTimeoutMs) + (t.maxAttempts - 1) * t.retryDelayMs;
}

/** The budget of a function of the default timeout (the route table's 10 s). */
export const defaultTimeouts = sdkTimeouts(10_000);

export interface AwsClientOptions {
  /** Only for local parts; in AWS the SDK resolves it (or reads AWS_ENDPOINT_URL_<SERVICE>). */
  endpoint?: string;
  region?: string;
  timeouts?: SdkTimeouts;
}

/** The constructor options of a KMSClient or DynamoDBClient. */
export function awsClientConfig({ endpoint, region, timeouts = defaultTimeouts }: AwsClientOptions) {
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    retryStrategy: new ConfiguredRetryStrategy(timeouts.maxAttempts, timeouts.retryDelayMs),
    // Without throwOnRequestTimeout the SDK only warns when a request hangs (kms-emulator.md §6).
    requestHandler: {
      connectionTimeout: timeouts.connectionTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}

type Handler = (args: unknown) => Promise<unknown>;
interface MiddlewareStackLike {
  add(middleware: (next: Handler) => Handler, options: { step: "initialize"; name: string }): void;
}

/**
 * Bounds every call of the client, retries included: a server that stalls in ways the socket
 * timeouts do not see (a trickle of bytes, a long Retry-After) still ends the call in time.
 */
export function addDeadline<C extends { middlewareStack: object }>(client: C, deadlineMs: number): C {
  (client.middlewareStack as MiddlewareStackLike).add(
    (next) => (args) => withTimeout(next(args), deadlineMs),
    {
      step: "initialize",
      name: "cofferDeadline",
    },
  );
  return client;
}
