import { catalogKeys } from "@coffer/core/config";
import {
  corsPolicy,
  dynamoCapabilitiesOf,
  type FunctionName,
  kmsCapabilitiesOf,
  routeKeyOf,
  storesBinContents,
} from "@coffer/functions/routes";
import { restEndpoints } from "@coffer/functions/rest-routes";
import { keys, keysLink } from "./kms";
import { dynamoStatements } from "./lib/dynamo-policies";
import { keyPolicy } from "./lib/key-policy";
import { kmsStatements } from "./lib/policies";
import { functionEntries } from "./lib/routes";
import { apiThrottle, componentName, devFunction, functionLimits } from "./lib/stage";
import { binObjects, table } from "./storage";

const tableArns = { table: table.arn, index: (name: string) => $interpolate`${table.arn}/index/${name}` };

export const api = new sst.aws.ApiGatewayV2("Api", {
  transform: {
    stage: (args) => {
      args.defaultRouteSettings = {
        throttlingBurstLimit: apiThrottle.burstLimit,
        throttlingRateLimit: apiThrottle.rateLimit,
      };
    },
  },
  cors: {
    allowOrigins: [...corsPolicy.allowOrigins],
    allowMethods: [...corsPolicy.allowMethods],
    allowHeaders: [...corsPolicy.allowHeaders],
    maxAge: `${corsPolicy.maxAgeSeconds} seconds`,
  },
});

// One Lambda function per entry of the route table, each with only the KMS and DynamoDB
// permissions that its procedures need (kms:Decrypt on data keys lives in the decrypt function
// alone; only admin writes tokens). The table link carries its name only (see storage.ts).
export const functions = Object.fromEntries(
  functionEntries().map(([name, route]) => {
    const fn = new sst.aws.Function(componentName(name, "Function"), {
      handler: route.handler,
      runtime: "nodejs22.x",
      architecture: "arm64",
      timeout: `${$dev ? devFunction.timeoutSeconds : route.timeoutSeconds} seconds`,
      memory: `${route.memoryMb} MB`,
      concurrency: { reserved: functionLimits[name].reservedConcurrency },
      environment: $dev ? { COFFER_TIME_BUDGET_MS: String(devFunction.timeBudgetMs) } : {},
      // The bin-objects bucket only for the function that stores bin contents (bins.*).
      link: storesBinContents(name) ? [table, keysLink, binObjects] : [table, keysLink],
      permissions: [
        ...kmsStatements(kmsCapabilitiesOf(name), keys.arns),
        ...dynamoStatements(dynamoCapabilitiesOf(name), tableArns),
      ],
      nodejs: { minify: true },
    });
    api.route(routeKeyOf(route), fn.arn);
    return [name, fn];
  }),
) as Record<FunctionName, sst.aws.Function>;

// Key policies: the account administers every key; only the functions that use a key may use it.
const usersOf = (capabilityOf: (fn: FunctionName) => boolean) =>
  functionEntries()
    .filter(([name]) => capabilityOf(name))
    .map(([name]) => functions[name].nodes.role.arn);
const dataKeyUsers = usersOf((fn) =>
  kmsCapabilitiesOf(fn).some((c) =>
    ["describeKey", "generateDataKey", "decryptDataKey", "reEncryptDataKey"].includes(c),
  ),
);
const binKeyUsers = usersOf((fn) =>
  kmsCapabilitiesOf(fn).some((c) => c === "generateBinKey" || c === "decryptBinKey"),
);
const account = aws.getCallerIdentityOutput().accountId;
for (const entry of catalogKeys) {
  new aws.kms.KeyPolicy(componentName(entry.name, "KeyPolicy"), {
    keyId: keys.catalog[entry.name]!.keyId,
    policy: $jsonStringify(
      $resolve([account, ...(entry.purpose === "data" ? dataKeyUsers : binKeyUsers)]).apply(
        ([accountId, ...roles]) => keyPolicy({ accountId: accountId!, userRoleArns: roles }),
      ),
    ),
  });
}
// The seal key: only the functions whose procedures open sealed input (or hand out its public
// half), as the route table says: today api (records.putSealed, requests.submit) and decrypt
// (crypto.openSealed). Their IAM statements allow Decrypt only with RSAES_OAEP_SHA_256.
const sealKeyUsers = usersOf((fn) =>
  kmsCapabilitiesOf(fn).some((c) => c === "getSealPublicKey" || c === "decryptSealKey"),
);
new aws.kms.KeyPolicy("SealKeyPolicy", {
  keyId: keys.seal.keyId,
  policy: $jsonStringify(
    $resolve([account, ...sealKeyUsers]).apply(([accountId, ...roles]) =>
      keyPolicy({ accountId: accountId!, userRoleArns: roles }),
    ),
  ),
});

// The REST routes (`POST /v1/encrypt`, `GET /v1/records/{recordId}`, `GET /v1/openapi.json`), each
// to the function that serves its procedure; the handler dispatches on the route key.
for (const endpoint of restEndpoints()) api.route(endpoint.routeKey, functions[endpoint.fn]!.arn);
