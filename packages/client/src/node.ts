// The client for services on Node: everything "@coffer/client" has, plus local mode
// (`coffer.local`), which needs node:crypto and so stays out of the browser's entry point.
import { type Clock, systemClock } from "@coffer/core/clock";
import { type CofferClientOptions, createCofferClient as createRemoteClient } from "./index";
import { createLocalMode, type LocalMode } from "./local";

export * from "./index";
export { createLocalMode, type LocalMode } from "./local";

export type CofferNodeClient = ReturnType<typeof createRemoteClient> & { local: LocalMode };

/**
 * The typed client with `local`: envelopes made and opened in this process with data keys from
 * Coffer (README, "Local mode"). `clock` is for tests; the data-key cache reads it.
 */
export function createCofferClient(options: CofferClientOptions & { clock?: Clock }): CofferNodeClient {
  const remote = createRemoteClient(options);
  const local = createLocalMode(remote, { clock: options.clock ?? systemClock });
  // The tRPC client is a proxy that turns every property into a procedure path; `local` is not a
  // procedure, so it is answered here and everything else goes on to tRPC.
  return new Proxy(remote, {
    get: (target, property, receiver) =>
      property === "local" ? local : Reflect.get(target, property, receiver),
  }) as CofferNodeClient;
}
