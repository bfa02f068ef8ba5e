import { initTRPC } from "@trpc/server";
import type { Context } from "./context";
import { formatError, toTRPCError } from "./errors";

const t = initTRPC.context<Context>().create({ errorFormatter: formatError, isDev: false });

// Every procedure is built on this base, so every failure goes through the one mapping point.
const base = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toTRPCError(result.error);
  return result;
});

export const router = t.router;
export const publicProcedure = base;
export const createCallerFactory = t.createCallerFactory;
