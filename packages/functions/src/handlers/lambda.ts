import { awsLambdaRequestHandler } from "@trpc/server/adapters/aws-lambda";
import type { APIGatewayProxyEventV2, Context as LambdaContext } from "aws-lambda";
import { routerFor } from "../app-router";
import { createContext } from "../context";
import { createRestHandler } from "../rest/adapter";
import type { FunctionName } from "../routes";
import { createServices } from "../services";
import { logError } from "./log";
import { portsFromEnvironment } from "./ports";

/**
 * A Lambda handler for one function of the route table; the dependencies are built once per cold
 * start. API Gateway names the route that matched in `event.routeKey`: `ANY /api/{proxy+}` goes to
 * tRPC, a REST route key (`POST /v1/encrypt`) to the REST adapter, which calls the same procedures.
 */
export function createLambdaHandler(fn: FunctionName, options: { openApiJson?: () => string } = {}) {
  const services = createServices(portsFromEnvironment());
  const contextOf = (event: APIGatewayProxyEventV2, context: Pick<LambdaContext, "awsRequestId">) =>
    createContext(services, {
      requestId: context.awsRequestId,
      sourceIp: event.requestContext.http.sourceIp,
      authorization: event.headers.authorization,
    });
  const onError = ({
    error,
    path,
    ctx,
  }: Parameters<typeof logError>[0] & { ctx?: ReturnType<typeof contextOf> }) =>
    logError({ error, path, requestId: ctx?.request.requestId });

  const router = routerFor(fn);
  const trpc = awsLambdaRequestHandler({
    router,
    createContext: ({
      event,
      context,
    }: {
      event: APIGatewayProxyEventV2;
      context: { awsRequestId: string };
    }) => contextOf(event, context),
    onError,
    // Answers carry plaintext, keys and bin metadata: no cache, shared or private, may keep them.
    responseMeta: () => ({ headers: { "cache-control": "no-store" } }),
  });
  const rest = createRestHandler({ fn, router, onError, ...options });

  return async (event: APIGatewayProxyEventV2, context: LambdaContext) => {
    if (!rest.routeKeys.has(event.routeKey)) return trpc(event, context);
    const body =
      event.body !== undefined && event.isBase64Encoded
        ? Buffer.from(event.body, "base64").toString("utf8")
        : event.body;
    return rest.handle(
      {
        routeKey: event.routeKey,
        pathParameters: event.pathParameters,
        query: event.queryStringParameters,
        body,
      },
      contextOf(event, context),
    );
  };
}
