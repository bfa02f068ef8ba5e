import { awsLambdaRequestHandler } from "@trpc/server/adapters/aws-lambda";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { routerFor } from "../app-router";
import { createContext } from "../context";
import type { FunctionName } from "../routes";
import { createServices } from "../services";
import { logError } from "./log";
import { portsFromEnvironment } from "./ports";

/** A Lambda handler for one function of the route table; the dependencies are built once per cold start. */
export function createLambdaHandler(fn: FunctionName) {
  const services = createServices(portsFromEnvironment(fn));
  return awsLambdaRequestHandler({
    router: routerFor(fn),
    createContext: ({
      event,
      context,
    }: {
      event: APIGatewayProxyEventV2;
      context: { awsRequestId: string };
    }) =>
      createContext(services, {
        requestId: context.awsRequestId,
        sourceIp: event.requestContext.http.sourceIp,
        authorization: event.headers.authorization,
      }),
    onError: ({ error, path, ctx }) => logError({ error, path, requestId: ctx?.request.requestId }),
    // Answers carry plaintext, keys and bin metadata: no cache, shared or private, may keep them.
    responseMeta: () => ({ headers: { "cache-control": "no-store" } }),
  });
}
