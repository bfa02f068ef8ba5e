export * from "./table";
export * from "./clients";
export * from "./guard";
export * from "./service";
export type { TokenItem } from "./token";
export type { RecordItem } from "./record";
export type { IdempotencyItem } from "./idempotency";
export { type BinContent, type BinItem, deleteBinIfOwned, replaceBinContent, takeBinRead } from "./bin";
export type { RateLimitItem } from "./rate-limit";
