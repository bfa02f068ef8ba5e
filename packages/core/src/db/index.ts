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
  addRefusals,
  addUsage,
  ALL_TIME,
  dayPeriod,
  keyUsageSubject,
  putRefusalSample,
  readRefusalCounts,
  readRefusalSamples,
  readTokenUsage,
  readUsage,
  tokenUsageSubject,
  type RefusalCountItem,
  type RefusalSampleInput,
  type RefusalSampleItem,
  type UsageAddition,
  type UsageItem,
} from "./usage";
