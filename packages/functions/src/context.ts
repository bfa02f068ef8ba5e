import type { Services } from "./services";

/** What the adapter knows about the HTTP request; nothing Lambda-specific reaches the routers. */
export interface RequestInfo {
  requestId: string;
  sourceIp: string;
  authorization: string | undefined;
}

export function createContext(services: Services, request: RequestInfo) {
  return { services, request };
}

export type Context = ReturnType<typeof createContext>;
