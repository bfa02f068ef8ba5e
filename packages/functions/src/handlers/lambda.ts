import { awsLambdaRequestHandler } from "@trpc/server/adapters/aws-lambda";
import type { APIGatewayProxyEventV2, Context as LambdaContext } from "aws-lambda";
import type { BinObjects } from "@coffer/core/bin-objects";
import { limits } from "@coffer/core/config";
import { routerFor } from "../app-router";
import { createContext } from "../context";
import { createRestHandler } from "../rest/adapter";
import type { FunctionName } from "../routes";
import { createServices } from "../services";
import { createFunctionTelemetry } from "../telemetry/powertools";
import { describeFailure } from "./log";
import { portsFromEnvironment } from "./ports";
import { screenRequest, type ScreenedCall } from "./request-screen";

/**
 * A Lambda handler for one function of the route table; the dependencies are built once per cold
 * start. API Gateway names the route that matched in `event.routeKey`: `ANY /api/{proxy+}` goes to
 * tRPC, a REST route key (`POST /v1/encrypt`) to the REST adapter, which calls the same procedures.
 * A function whose procedures store bin contents passes the bucket (`binObjects`); the others never
 * import the S3 client, which keeps it out of their bundles.
 */
export function createLambdaHandler(
  fn: FunctionName,
  { binObjects, ...options }: { openApiJson?: () => string; binObjects?: BinObjects } = {},
) {
  // Metrics carry the deployed function's name as `service` (the alarms select on it).
  const telemetry = createFunctionTelemetry({
    serviceName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? `coffer-${fn}`,
  });
  const services = createServices({
    ...portsFromEnvironment(fn),
    ...(binObjects ? { binObjects } : {}),
    telemetry: telemetry.core,
  });
  const observeProcedure = (procedure: string) => {
    const startedAt = performance.now();
    return () => telemetry.procedure({ procedure, durationMs: performance.now() - startedAt });
  };
  const contextOf = (event: APIGatewayProxyEventV2, context: Pick<LambdaContext, "awsRequestId">) =>
    createContext(
      services,
      {
        requestId: context.awsRequestId,
        sourceIp: event.requestContext.http.sourceIp,
        authorization: event.headers.authorization,
      },
      observeProcedure,
    );
  const onError = ({
    error,
    path,
    ctx,
  }: Parameters<typeof describeFailure>[0] & { ctx?: ReturnType<typeof contextOf> }) =>
    telemetry.refusal(describeFailure({ error, path, requestId: ctx?.request.requestId }));

  const router = routerFor(fn);
  const trpc = awsLambdaRequestHandler({
    router,
    // tRPC refuses a batch of more calls than this itself, before it looks at any input.
    maxBatchSize: limits.maxCallsPerRequest,
    createContext: async ({
      event,
      context,
      info,
    }: {
      event: APIGatewayProxyEventV2;
      context: { awsRequestId: string };
      info: { calls: readonly ScreenedCall[] };
    }) => {
      await screenRequest({ body: requestText(event), calls: info.calls });
      return contextOf(event, context);
    },
    onError,
    // Answers carry plaintext, keys and bin metadata: no cache, shared or private, may keep them.
    responseMeta: () => ({ headers: { "cache-control": "no-store" } }),
  });
  const rest = createRestHandler({ fn, router, onError, ...options });

  return async (event: APIGatewayProxyEventV2, context: LambdaContext) => {
    try {
      return await handle(event, context);
    } finally {
      telemetry.flush();
    }
  };

  async function handle(event: APIGatewayProxyEventV2, context: LambdaContext) {
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
  }
}

/** The JSON text of the request: the body, or a query's `input` parameter. */
function requestText(event: APIGatewayProxyEventV2): string {
  if (event.body)
    return event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  return new URLSearchParams(event.rawQueryString ?? "").get("input") ?? "";
}
