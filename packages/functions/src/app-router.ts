import { type AnyProcedure } from "@trpc/server";
import { type FunctionName, functionFor } from "./routes";
import { adminTokens } from "./routers/admin";
import { binsRouter } from "./routers/bins";
import { cryptoProcedures } from "./routers/crypto";
import { health } from "./routers/health";
import { keysApi, keysDecrypt } from "./routers/keys";
import { recordsProcedures } from "./routers/records";
import { router } from "./trpc";

export const appRouter = router({
  health,
  keys: { ...keysApi, ...keysDecrypt },
  crypto: cryptoProcedures,
  records: recordsProcedures,
  admin: { tokens: adminTokens },
  bins: binsRouter,
});

/** The one type the clients import (type-only). */
export type AppRouter = typeof appRouter;

/** The slice of the app router that one Lambda function serves, as the route table says. */
export function routerFor(fn: FunctionName) {
  const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>; // flat: "admin.tokens.create"
  return router(Object.fromEntries(Object.entries(procedures).filter(([path]) => functionFor(path) === fn)));
}
