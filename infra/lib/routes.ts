import { type FunctionName, type FunctionRoute, functionRoutes } from "@coffer/functions/routes";

export function functionEntries(): [FunctionName, FunctionRoute][] {
  return Object.entries(functionRoutes) as [FunctionName, FunctionRoute][];
}
