// One HTTP request, start to finish: control surface or KMS operation, counting, faults, protocol
// checks, the operation itself, and persistence. Every path ends in a JSON answer (or, for hang-up
// and blackhole faults, deliberately in none); nothing thrown escapes to crash the process.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { kmsError } from "./errors";
import { type Faults, touchedKeyIds } from "./faults";
import type { RequestBody } from "./input";
import { type OperationContext, isOperationName, operations } from "./operations";
import {
  type BodyRead,
  checkRequestHeaders,
  parseBody,
  readBody,
  readTarget,
  sendError,
  sendJson,
  toKmsError,
} from "./protocol";
import type { RequestLog } from "./request-log";

export const CONTROL_PREFIX = "/__coffer/";

export interface RequestHandlerDeps {
  context: OperationContext;
  faults: Faults;
  requestLog: RequestLog;
  /** Writes the state file when the request changed anything (a no-op in memory). */
  persist(): void;
  control(request: IncomingMessage, response: ServerResponse, body: Buffer, requestId: string): void;
  /** Aborted on close, to end fault delays early. */
  signal: AbortSignal;
}

export function createRequestHandler(deps: RequestHandlerDeps): RequestListener {
  return (request, response) => {
    // Request ids are not state, so they come from node:crypto even when the emulator is seeded.
    const requestId = randomUUID();
    handle(deps, request, response, requestId).catch((error: unknown) => {
      try {
        sendError(response, toKmsError(error), requestId);
      } catch {
        request.socket.destroy(); // the answer itself failed: hang up rather than crash the process
      }
    });
  };
}

async function handle(
  deps: RequestHandlerDeps,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
) {
  const read = await readBody(request);
  const isControl = request.headers["x-amz-target"] === undefined && request.url?.startsWith(CONTROL_PREFIX);
  if (isControl) return deps.control(request, response, bodyOrThrow(read), requestId);
  if (request.method !== "POST")
    return sendError(
      response,
      kmsError("UnknownOperationException", "KMS accepts POST requests only."),
      requestId,
    );
  const operation = readTarget(request);
  if (!isOperationName(operation))
    throw kmsError(
      "UnknownOperationException",
      `Operation ${operation} is not supported by the KMS emulator.`,
    );
  deps.requestLog.record(operation, request.headers);

  const { context, faults, persist } = deps;
  try {
    context.store.sweepDeletedKeys();
    // Parsed before the faults, so that a key-scoped rule can see the body; a body that does not parse
    // touches no key, meets only unscoped rules, and is refused after them.
    const parsed = parseRequestBody(read);
    let keyIds: string[] | undefined;
    const decision = faults.decide({
      operation,
      keyIds: () => (keyIds ??= parsed.ok ? touchedKeyIds(parsed.body, context.store.findKeyId) : []),
    });
    if (decision.delayMs > 0) await sleep(decision.delayMs, undefined, { signal: deps.signal });
    if (decision.outcome?.kind === "hangup") return void request.socket.destroy();
    if (decision.outcome?.kind === "blackhole") return;
    if (decision.outcome?.kind === "respond") return sendError(response, decision.outcome.error, requestId);

    checkRequestHeaders(request);
    if (!parsed.ok) throw parsed.error;
    const result = await operations[operation](context, parsed.body);
    persist();
    sendJson(response, 200, result, requestId);
  } catch (error) {
    if (deps.signal.aborted) return;
    persist(); // a refused request may still have swept expired keys
    throw error;
  }
}

function bodyOrThrow(read: BodyRead): Buffer {
  if (!read.ok) throw kmsError("RequestEntityTooLargeException", "The request body is too large.");
  return read.bytes;
}

function parseRequestBody(read: BodyRead): { ok: true; body: RequestBody } | { ok: false; error: unknown } {
  try {
    return { ok: true, body: parseBody(bodyOrThrow(read)) };
  } catch (error) {
    return { ok: false, error };
  }
}
