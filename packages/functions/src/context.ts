import type { Services } from "./services";

/** What the adapter knows about the HTTP request; nothing Lambda-specific reaches the routers. */
export interface RequestInfo {
  requestId: string;
  sourceIp: string;
  authorization: string | undefined;
}

/**
 * Who a request turned out to be, once its token checked out (trpc.ts `scoped` fills it): what the
 * refusal log names when a later check refuses the request. Ids only, never the secret.
 */
export interface RequestAttribution {
  tokenId?: string;
  namespace?: string;
}

/** Told when a procedure starts; the function it returns is called when it ends. */
export type ProcedureObserver = (procedure: string) => () => void;

export function createContext(
  services: Services,
  request: RequestInfo,
  observeProcedure?: ProcedureObserver,
) {
  return { services, request, attribution: {} as RequestAttribution, observeProcedure };
}

export type Context = ReturnType<typeof createContext>;
