import { type FunctionName, type FunctionRoute, functionRoutes } from "../../packages/functions/src/routes";

/** API Gateway v2 route keys for one function of the route table: tRPC paths follow the prefix. */
export function routeKeys(route: FunctionRoute): string[] {
  return [`ANY ${route.path}/{proxy+}`];
}

export function functionEntries(): [FunctionName, FunctionRoute][] {
  return Object.entries(functionRoutes) as [FunctionName, FunctionRoute][];
}
