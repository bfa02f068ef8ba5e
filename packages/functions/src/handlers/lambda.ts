import { awsLambdaRequestHandler } from "@trpc/server/adapters/aws-lambda";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { routerFor } from "../app-router";
import { createContext } from "../context";
import type { FunctionName } from "../routes";
import { createServices } from "../services";
import { limits } from "@coffer/core/config";
import { logError } from "./log";
import { portsFromEnvironment } from "./ports";
import { screenRequest, type ScreenedCall } from "./request-screen";

/** A Lambda handler for one function of the route table; the dependencies are built once per cold start. */
export function createLambdaHandler(fn: FunctionName) {
  const services = createServices(portsFromEnvironment());
  return awsLambdaRequestHandler({
    router: routerFor(fn),
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
      return createContext(services, {
        requestId: context.awsRequestId,
        sourceIp: event.requestContext.http.sourceIp,
        authorization: event.headers.authorization,
      });
    },
    onError: ({ error, path, ctx }) => logError({ error, path, requestId: ctx?.request.requestId }),
    // Answers carry plaintext, keys and bin metadata: no cache, shared or private, may keep them.
    responseMeta: () => ({ headers: { "cache-control": "no-store" } }),
  });
}

/** The JSON text of the request: the body, or a query's `input` parameter. */
function requestText(event: APIGatewayProxyEventV2): string {
  if (event.body)
    return event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  return new URLSearchParams(event.rawQueryString ?? "").get("input") ?? "";
}
