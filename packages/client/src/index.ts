import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  splitLink,
  type Operation,
  type TRPCLink,
} from "@trpc/client";
import { limits } from "@coffer/core/config";
import type { AppRouter } from "@coffer/functions/router";
import {
  type FunctionName,
  functionFor,
  functionNames,
  functionRoutes,
  functionUrl,
} from "@coffer/functions/routes";
import { batchableInputBytes, goesAlone } from "@coffer/functions/request-limits";

export { seal, type SealPublicKey } from "./seal";
export { sealBinVersion } from "./bin-seal";
export { downloadCiphertext, TransferError, uploadCiphertext } from "./bin-objects";
export { createBin } from "./bin-create";
export { revealBin } from "./bin-reveal";

// The API's size and count limits, so that a form can refuse oversize input before sending it.
export { limits } from "@coffer/core/config";
export type { AppRouter };

export interface CofferClientOptions {
  /** The API's base URL (the stage's API Gateway URL, or the local gateway's). */
  url: string;
  /** A Coffer API token, sent as `Authorization: Bearer <token>`; a function is read per request. */
  token?: string | (() => string | undefined);
  fetch?: typeof fetch;
}

/**
 * Whether an operation must travel alone: a batch procedure, a procedure with a large answer, or an
 * input larger than batchableInputBytes. Everything else may share a request with up to
 * maxCallsPerRequest - 1 others, and such a request stays within every limit the handlers check
 * (packages/functions/src/request-limits.ts), so the client never builds one they would refuse.
 */
function travelsAlone(op: Operation): boolean {
  if (goesAlone(op.path)) return true;
  if (op.input === undefined) return false;
  // Measured only up to the threshold's worth: strings dominate, and their length bounds the JSON.
  return jsonSizeOver(op.input, batchableInputBytes);
}

function jsonSizeOver(value: unknown, budget: number): boolean {
  let size = 0;
  const visit = (node: unknown): boolean => {
    if (typeof node === "string") size += node.length + 2;
    else if (Array.isArray(node)) return node.some(visit);
    else if (node && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) {
        size += key.length + 4;
        if (visit(child)) return true;
      }
    } else size += 16;
    return size > budget;
  };
  return visit(value) || size > budget;
}

/**
 * One batch link per Lambda function, chosen by the route table, so a batch never mixes two
 * functions (and never sends a procedure to a function that lacks its KMS permission). Calls that
 * must travel alone take a plain link to the same function.
 */
export function cofferLinks(options: CofferClientOptions): TRPCLink<AppRouter>[] {
  const headers = () => {
    const token = typeof options.token === "function" ? options.token() : options.token;
    return token ? { authorization: `Bearer ${token}` } : {};
  };
  const linkFor = (fn: FunctionName) => {
    const common = {
      url: functionUrl(options.url, functionRoutes[fn]),
      headers,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    };
    return splitLink<AppRouter>({
      condition: travelsAlone,
      true: httpLink<AppRouter>(common),
      false: httpBatchLink<AppRouter>({
        ...common,
        maxURLLength: 2_000,
        maxItems: limits.maxCallsPerRequest,
      }),
    });
  };
  // Procedures missing from the table go to the first function, which answers NOT_FOUND.
  const [first, ...rest] = functionNames;
  const routed = rest.reduce<TRPCLink<AppRouter>>(
    (otherwise, fn) =>
      splitLink({ condition: (op) => functionFor(op.path) === fn, true: linkFor(fn), false: otherwise }),
    linkFor(first!),
  );
  return [routed];
}

export function createCofferClient(options: CofferClientOptions) {
  return createTRPCClient<AppRouter>({ links: cofferLinks(options) });
}

export type CofferClient = ReturnType<typeof createCofferClient>;
