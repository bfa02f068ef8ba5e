export * from "./schemas";
export { createAuditService, type AuditService, type BrokenBecause, type VerifyResult } from "./service";
