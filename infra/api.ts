import { restEndpoints } from "@coffer/functions/rest-routes";
import { corsPolicy, kmsCapabilitiesOf, routeKeyOf } from "@coffer/functions/routes";
import { keys, keysLink } from "./kms";
import { kmsStatements } from "./lib/policies";
import { functionEntries } from "./lib/routes";
import { componentName } from "./lib/stage";
import { binObjects, table } from "./storage";

export const api = new sst.aws.ApiGatewayV2("Api", {
  cors: {
    allowOrigins: [...corsPolicy.allowOrigins],
    allowMethods: [...corsPolicy.allowMethods],
    allowHeaders: [...corsPolicy.allowHeaders],
    maxAge: `${corsPolicy.maxAgeSeconds} seconds`,
  },
});

// One Lambda function per entry of the route table, each with only the KMS permissions that its
// procedures need (kms:Decrypt on data keys lives in the decrypt function alone).
export const functions = Object.fromEntries(
  functionEntries().map(([name, route]) => {
    const fn = new sst.aws.Function(componentName(name, "Function"), {
      handler: route.handler,
      runtime: "nodejs22.x",
      architecture: "arm64",
      timeout: `${route.timeoutSeconds} seconds`,
      memory: `${route.memoryMb} MB`,
      link: [table, keysLink, binObjects],
      permissions: kmsStatements(kmsCapabilitiesOf(name), keys.arns),
      nodejs: { minify: true },
    });
    api.route(routeKeyOf(route), fn.arn);
    return [name, fn];
  }),
);

// The REST routes (`POST /v1/encrypt`, `GET /v1/records/{recordId}`, `GET /v1/openapi.json`), each
// to the function that serves its procedure; the handler dispatches on the route key.
for (const endpoint of restEndpoints()) api.route(endpoint.routeKey, functions[endpoint.fn]!.arn);
