import { type AnyProcedure, TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { routerFor } from "../app-router";
import type { Context } from "../context";
import { describeError, toTRPCError } from "../errors";
import { screenRequest } from "../handlers/request-screen";
import type { FunctionName } from "../routes";
import { type RestEndpoint, restEndpoints } from "../rest-routes";
import { createCallerFactory } from "../trpc";
import { restInput, type RestRequestParts } from "./input";

export interface RestRequest extends RestRequestParts {
  /** The API Gateway route key that matched, e.g. "GET /v1/records/{recordId}". */
  routeKey: string;
}

export interface RestResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface RestHandlerOptions {
  fn: FunctionName;
  /** The function's slice of the app router (routerFor(fn)), shared with its tRPC handler. */
  router: ReturnType<typeof routerFor>;
  /** The OpenAPI document as JSON, for the function that serves GET /v1/openapi.json. */
  openApiJson?: () => string;
  onError?: (failure: { error: TRPCError; path: string | undefined; ctx: Context }) => void;
}

/**
 * The REST routes that one function serves, each mapped to its procedure through `createCaller`:
 * the same middlewares (authentication, scope, the one error table), the same schema and the same
 * service call as over tRPC. Only the framing differs: a plain JSON result, and an error body that
 * names the code, the reason and the fields, with the HTTP status tRPC gives that code.
 */
export function createRestHandler({ fn, router, openApiJson, onError }: RestHandlerOptions) {
  const endpoints = new Map(
    restEndpoints()
      .filter((endpoint) => endpoint.fn === fn && (endpoint.procedure || openApiJson))
      .map((endpoint) => [endpoint.routeKey, endpoint]),
  );
  const procedures = router._def.procedures as unknown as Record<string, AnyProcedure>;
  const createCaller = createCallerFactory(router);

  async function call(path: string, input: unknown, ctx: Context) {
    // The caller is a proxy keyed by the dotted path's segments: caller.admin.tokens.create(input).
    const caller = createCaller(ctx) as unknown as Record<string, unknown>;
    const procedureCall = path
      .split(".")
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
    return (procedureCall as (input: unknown) => Promise<unknown>)(input);
  }

  return {
    routeKeys: new Set(endpoints.keys()),
    async handle(request: RestRequest, ctx: Context): Promise<RestResponse> {
      const endpoint = endpoints.get(request.routeKey);
      try {
        if (!endpoint) {
          throw new TRPCError({
            code: "NOT_FOUND",
            message: "No such route. The routes are listed at GET /v1/openapi.json.",
          });
        }
        if (!endpoint.procedure) return respond(200, openApiJson!());
        const path = endpoint.procedure;
        // The same screen as a tRPC request (size, JSON, repeated keys, items, answer size), before
        // any procedure, token lookup or KMS call. The body is parsed once, when the screen asks.
        let input: unknown;
        await screenRequest({
          body: request.body ?? "",
          calls: [
            {
              path,
              getRawInput: async () =>
                (input = restInput(endpoint, procedures[path]!._def.inputs[0], request)),
            },
          ],
        });
        const result = await call(path, input, ctx);
        return respond(200, JSON.stringify(result ?? null));
      } catch (cause) {
        // The procedures' errors went through the one mapping point already; what else fails
        // (a bug in this adapter) is mapped the same way, so its message never leaks.
        const error =
          cause instanceof TRPCError
            ? cause
            : toTRPCError(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause }));
        onError?.({ error, path: endpoint?.procedure, ctx });
        return respond(
          getHTTPStatusCodeFromError(error),
          JSON.stringify({ ...describeError(error), requestId: ctx.request.requestId }),
        );
      }
    },
  };
}

function respond(statusCode: number, json: string): RestResponse {
  return {
    statusCode,
    // Answers carry plaintext, keys and bin metadata: no cache, shared or private, may keep them.
    headers: { "content-type": "application/json", "cache-control": "no-store" },
    body: json,
  };
}
