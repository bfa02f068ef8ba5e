export * from "./schemas";
export { createUsageMeter, type KeyUse, type Refusal, type UsageMeter } from "./meter";
export { NO_NAMESPACE, refusalReasonOf, type BinBurnReason } from "./refusals";
export {
  createUsageReports,
  type KeyUsageDay,
  type RefusalCount,
  type RefusalSample,
  type UsageReports,
} from "./reports";
