import type { AnyProcedure, AnyRouter } from "@trpc/server";
import { type FunctionName, functionFor, type ProcedurePath, procedureRoutes } from "./routes";
import { adminAudit, adminKeys, adminRefusals, adminTokens } from "./routers/admin";
import { binsRouter } from "./routers/bins";
import { cryptoProcedures } from "./routers/crypto";
import { health, healthDetails } from "./routers/health";
import { keysApi, keysDecrypt } from "./routers/keys";
import { recordsProcedures } from "./routers/records";
import { requestsRouter } from "./routers/requests";
import { router } from "./trpc";

export const appRouter = router({
  health,
  keys: { ...keysApi, ...keysDecrypt },
  crypto: cryptoProcedures,
  records: recordsProcedures,
  admin: {
    tokens: adminTokens,
    health: healthDetails,
    keys: adminKeys,
    audit: adminAudit,
    refusals: adminRefusals,
  },
  bins: binsRouter,
  requests: requestsRouter,
});

/** The one type the clients import (type-only). */
export type AppRouter = typeof appRouter;

/** Every procedure path of a router, dotted as the client sends it: "admin.tokens.create". */
export type ProcedurePathOf<TRouter extends AnyRouter> = PathsIn<TRouter["_def"]["record"]>;
type PathsIn<TRecord, TPrefix extends string = ""> = {
  [K in keyof TRecord & string]: TRecord[K] extends AnyProcedure
    ? `${TPrefix}${K}`
    : PathsIn<TRecord[K], `${TPrefix}${K}.`>;
}[keyof TRecord & string];

/** Compiles only when nothing is left over; otherwise the error names the paths. */
export type NoneLeft<TPaths extends never> = TPaths;

// The route table (routes.ts) and the router name the same procedures, checked both ways here
// rather than in routes.ts, which must stay free of server types (the web bundle and infra read
// it). A procedure without a row would be served by no function; a row without a procedure would
// grant KMS permissions to nothing. Either fails `npm run typecheck`, naming the path.
type _EveryProcedureHasARow = NoneLeft<Exclude<ProcedurePathOf<AppRouter>, ProcedurePath>>;
type _EveryRowHasAProcedure = NoneLeft<Exclude<ProcedurePath, ProcedurePathOf<AppRouter>>>;

/** The slice of the app router that one Lambda function serves, as the route table says. */
export function routerFor(fn: FunctionName) {
  const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>; // flat: "admin.tokens.create"
  // The compiler refuses a mismatch already; this catches what it cannot see (a cast, a lazy
  // router), so that a procedure is never dropped in silence.
  const unrouted = Object.keys(procedures).filter((path) => functionFor(path) === undefined);
  const unserved = Object.keys(procedureRoutes).filter((path) => !(path in procedures));
  if (unrouted.length > 0 || unserved.length > 0) {
    throw new Error(
      `The route table and the router disagree: no row for [${unrouted.join(", ")}], ` +
        `no procedure for [${unserved.join(", ")}]. Fix procedureRoutes in routes.ts.`,
    );
  }
  return router(Object.fromEntries(Object.entries(procedures).filter(([path]) => functionFor(path) === fn)));
}
