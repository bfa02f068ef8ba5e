// What one HTTP request may ask for, checked before any work (issue 13): no procedure runs, no token
// is looked up and no KMS or DynamoDB call is made for a request that breaks a rule. It runs in the
// handler's createContext, after tRPC has split the request into calls (and refused more than
// maxBatchSize of them) and before any of them runs; an error thrown here is every call's answer.
import { TRPCError } from "@trpc/server";
import { limits } from "@coffer/core/config";
import { CofferError } from "@coffer/core/errors";
import { estimatedAnswerBytes, itemsOf } from "../request-limits";
import { hasDuplicateKey } from "./duplicate-keys";

export interface ScreenedCall {
  path: string;
  /** tRPC's lazy input reader: parses the body once for all calls, throws on a body that is not JSON. */
  getRawInput(): Promise<unknown>;
}

const refuse = (
  code: "BAD_REQUEST" | "PAYLOAD_TOO_LARGE" | "PARSE_ERROR",
  message: string,
  reason: string,
  details?: Record<string, unknown>,
) =>
  new TRPCError({
    code,
    message,
    cause: new CofferError("invalid", message, { reason, ...(details ? { details } : {}) }),
  });

/** Throws a TRPCError (with a CofferError cause for `data.reason`) unless the request is within the limits. */
export async function screenRequest({ body, calls }: { body: string; calls: readonly ScreenedCall[] }) {
  const requestBytes = Buffer.byteLength(body);
  if (requestBytes > limits.maxRequestBytes) {
    throw refuse(
      "PAYLOAD_TOO_LARGE",
      `The request body is larger than ${limits.maxRequestBytes} bytes. Send large values one call at a time.`,
      "request_too_large",
      { maxBytes: limits.maxRequestBytes },
    );
  }
  const inputs: unknown[] = [];
  for (const call of calls) {
    try {
      inputs.push(await call.getRawInput());
    } catch (error) {
      // tRPC would answer BAD_REQUEST with JSON.parse's message, which quotes the body. Its other
      // refusals here (a batch whose input is not an object) quote nothing and stand as they are.
      if (!(error instanceof TRPCError && error.cause instanceof SyntaxError)) throw error;
      throw refuse("PARSE_ERROR", "The request body is not valid JSON. Send a JSON object.", "body_not_json");
    }
  }
  if (body && hasDuplicateKey(body)) {
    throw refuse(
      "BAD_REQUEST",
      "The request names the same key twice in one JSON object (an encryption context, perhaps). Send each key once.",
      "duplicate_json_key",
    );
  }
  const counted = calls.map((call, index) => ({ path: call.path, items: itemsOf(call.path, inputs[index]) }));
  const items = counted.reduce((sum, call) => sum + call.items, 0);
  if (items > limits.maxItemsPerRequest) {
    throw refuse(
      "BAD_REQUEST",
      `One request may carry at most ${limits.maxItemsPerRequest} items across its calls. Split it into several requests.`,
      "request_too_many_items",
      { maxItems: limits.maxItemsPerRequest },
    );
  }
  if (estimatedAnswerBytes(requestBytes, counted) > limits.maxResponseBytes) {
    throw refuse(
      "PAYLOAD_TOO_LARGE",
      `The answer to this request could pass ${limits.maxResponseBytes} bytes. Send fewer calls per request.`,
      "response_too_large",
      { maxBytes: limits.maxResponseBytes },
    );
  }
}
