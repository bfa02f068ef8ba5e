export * from "./schemas";
export {
  createTableKeyRing,
  DEFAULT_RING_STALENESS_MS,
  keyDisabled,
  versionRetired,
  type TableKeyRing,
} from "./key-ring";
export { createKeyLifecycle, type KeyLifecycle, type KeySummary, type KeyVersionUsage } from "./service";
export { createCampaigns, type Campaigns, type CampaignSummary, type StepOptions } from "./campaign";
export {
  COUNT_PAGE_ITEMS,
  createRecordsBelowVersion,
  type RecordsBelowVersion,
  type RecordsBelowVersionPage,
} from "./records-below";
