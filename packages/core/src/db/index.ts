export * from "./table";
export * from "./clients";
export * from "./guard";
export * from "./service";
export type { TokenItem } from "./token";
export type { RecordItem } from "./record";
export type { IdempotencyItem } from "./idempotency";
