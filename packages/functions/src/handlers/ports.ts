import { Resource } from "sst";
import { sdkTimeouts } from "@coffer/core/aws-client";
import { systemClock } from "@coffer/core/clock";
import { createDynamoClient } from "@coffer/core/db";
import { createAwsKms, createKmsClient } from "@coffer/core/kms";
import packageJson from "../../package.json" with { type: "json" };
import { linkNames } from "../links";
import { type FunctionName, functionRoutes } from "../routes";
import type { Ports } from "../services";

/**
 * The time a function's SDK calls must fit in: its timeout from the route table, unless
 * COFFER_TIME_BUDGET_MS says otherwise (infra sets it under `sst dev`, where the function runs on a
 * laptop far from AWS; tests set it to prove the budget, or to be patient on a busy machine).
 */
export function timeBudgetMs(fn: FunctionName, env: NodeJS.ProcessEnv = process.env): number {
  const override = Number(env.COFFER_TIME_BUDGET_MS);
  return override > 0 ? override : functionRoutes[fn].timeoutSeconds * 1000;
}

/**
 * How often an instance flushes its usage counters at most: 1 s, unless COFFER_USAGE_FLUSH_MS says
 * otherwise (the least-privilege test sets 0, so that a request's own counts are written within it).
 */
export function usageFlushIntervalMs(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const override = env.COFFER_USAGE_FLUSH_MS;
  return override !== undefined && /^\d+$/.test(override) ? Number(override) : undefined;
}

// The only code that reads SST links (with bin-objects-port.ts). In AWS they come from the function's
// environment; locally the gateway sets the same SST_RESOURCE_* variables (and AWS_ENDPOINT_URL_*
// for the emulators). No bucket here: only the api function stores bin contents, and the S3 client
// is ~150 KB of its bundle, so the api handler adds it (bin-objects-port.ts) and the others never
// import it.
export function portsFromEnvironment(fn: FunctionName = "api"): Ports {
  const timeouts = sdkTimeouts(timeBudgetMs(fn));
  return {
    kms: createAwsKms(createKmsClient({ timeouts })),
    dynamo: createDynamoClient({ timeouts }),
    tableName: Resource[linkNames.table].name,
    clock: systemClock,
    stage: Resource.App.stage,
    version: packageJson.version,
    keyIds: Resource[linkNames.keys].keys,
    sealKeyId: Resource[linkNames.keys].seal,
    ...(usageFlushIntervalMs() !== undefined ? { usageFlushIntervalMs: usageFlushIntervalMs() } : {}),
  };
}
