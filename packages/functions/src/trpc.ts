import { initTRPC } from "@trpc/server";
import { CofferError } from "@coffer/core/errors";
import type { Scope } from "@coffer/core/tokens";
import { NO_NAMESPACE, refusalReasonOf } from "@coffer/core/usage";
import type { Context } from "./context";
import { formatError, toTRPCError } from "./errors";

/** What a procedure declares about itself, read by the OpenAPI document (rest/openapi.ts). */
export interface ProcedureMeta {
  /** The token scopes it accepts (any one will do); absent for public procedures. */
  scopes?: readonly Scope[];
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({ errorFormatter: formatError, isDev: false });

// Every procedure is built on this base, so every failure goes through the one mapping point, and
// every request ends by counting its refusal (if it was refused) and flushing the instance's usage
// counters when a flush is due (about once a second; it never fails the request, see usage/meter.ts).
// Every call is timed (telemetry's ProcedureLatency) when the adapter observes it.
const base = t.procedure.use(async ({ ctx, path, next }) => {
  const done = ctx.observeProcedure?.(path);
  try {
    const result = await next();
    const usage = ctx.services.usage;
    if (!result.ok) {
      const reason = refusalReasonOf(result.error.cause);
      if (reason !== undefined) {
        const { tokenId, namespace } = ctx.attribution;
        usage.countRefusal({
          namespace: namespace ?? NO_NAMESPACE,
          reason,
          procedure: path,
          requestId: ctx.request.requestId,
          ...(tokenId !== undefined ? { tokenId } : {}),
        });
      }
    }
    await usage.flushIfDue();
    if (!result.ok) throw toTRPCError(result.error);
    return result;
  } finally {
    done?.();
  }
});

export const router = t.router;
/** Calls a router's procedures in-process, through the same middlewares: the REST adapter's way in. */
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = base;

/**
 * A procedure for token holders with `scope` (or any one of several); resolvers see `ctx.caller`
 * set, by type.
 */
export const scoped = (scope: Scope | readonly Scope[]) => {
  const accepted: readonly Scope[] = typeof scope === "string" ? [scope] : scope;
  return base.meta({ scopes: accepted }).use(async ({ ctx, next }) => {
    const caller = await ctx.services.tokens.authenticate(ctx.request.authorization);
    ctx.attribution.tokenId = caller.tokenId;
    ctx.attribution.namespace = caller.namespace;
    if (!accepted.some((one) => caller.scopes.includes(one))) {
      const named = accepted.map((one) => `"${one}"`).join(" or ");
      throw new CofferError(
        "forbidden",
        `This token lacks the ${named} scope. Ask an administrator for a token that has it.`,
        {
          reason: "scope_missing",
        },
      );
    }
    return next({ ctx: { caller } });
  });
};
