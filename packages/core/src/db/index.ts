export * from "./table";
export * from "./clients";
export * from "./guard";
export * from "./service";
export type { TokenItem } from "./token";
export type { RecordItem } from "./record";
export type { IdempotencyItem } from "./idempotency";
export {
  type BinContent,
  type BinItem,
  countWrongPassphrase,
  deleteBinIfOwned,
  deleteSpentBin,
  destroyBinAfterWrongPassphrases,
  replaceBinContent,
  shortenBinExpiry,
  takeBinRead,
} from "./bin";
export type { RateLimitItem } from "./rate-limit";
export type { PepperItem } from "./pepper";
export type { NonceItem } from "./nonce";
export type { RequestLinkItem } from "./request-link";
export { writeTransaction } from "./transact";
export { createOnce, RETURN_ITEM_ON_CONFLICT } from "./create-once";
export { type KeyItem, type KeyVersionItem } from "./key";
export type { AuditItem, ChainHeadItem } from "./audit";
export type { CampaignItem } from "./campaign";
export {
  canonicalEvent,
  GENESIS_HASH,
  hashEvent,
  type AuditDetails,
  type HashedEventFields,
} from "./audit-hash";
export {
  keyChain,
  TOKENS_CHAIN,
  writeAudited,
  type AppendedHead,
  type AuditActor,
  type AuditEventInput,
  type ChangeItems,
} from "./audit-append";
export {
  readRecordEnvelope,
  replaceRewrappedEnvelope,
  scanRecordsOfKey,
  type ScannedRecord,
} from "./record-scan";
export {
  ALL_TIME,
  dayPeriod,
  keyUsageSubject,
  tokenUsageSubject,
  type RefusalCountItem,
  type RefusalSampleItem,
  type UsageItem,
} from "./usage";
export {
  addRefusals,
  addUsage,
  putRefusalSample,
  readRefusalCounts,
  readRefusalSamples,
  readTokenUsage,
  readUsage,
  type RefusalSampleInput,
  type UsageAddition,
} from "./usage-store";
