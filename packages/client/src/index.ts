import { createTRPCClient, httpBatchLink, splitLink, type TRPCLink } from "@trpc/client";
import type { AppRouter } from "@coffer/functions/router";
import {
  type FunctionName,
  functionFor,
  functionNames,
  functionRoutes,
  functionUrl,
} from "@coffer/functions/routes";

export { seal, type SealPublicKey } from "./seal";

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
 * One batch link per Lambda function, chosen by the route table, so a batch never mixes two
 * functions (and never sends a procedure to a function that lacks its KMS permission).
 */
export function cofferLinks(options: CofferClientOptions): TRPCLink<AppRouter>[] {
  const headers = () => {
    const token = typeof options.token === "function" ? options.token() : options.token;
    return token ? { authorization: `Bearer ${token}` } : {};
  };
  const linkFor = (fn: FunctionName) =>
    httpBatchLink<AppRouter>({
      url: functionUrl(options.url, functionRoutes[fn]),
      headers,
      maxURLLength: 2_000,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
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
