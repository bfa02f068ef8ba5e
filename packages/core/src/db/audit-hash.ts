import { hash } from "node:crypto";

// The hash that links an audit chain. One canonical encoding: a JSON array with the fields in a
// fixed order and the details' entries sorted by key, so the same event always hashes the same and
// no field can be moved into another. Changing it breaks every stored chain: don't.

export const GENESIS_HASH = "0".repeat(64);

export type AuditDetails = Record<string, string | number | boolean | null>;

export interface HashedEventFields {
  chain: string;
  seq: number;
  at: number;
  action: string;
  actorTokenId: string;
  namespace?: string | undefined;
  requestId: string;
  subject: string;
  details: AuditDetails;
  prevHash: string;
}

export function canonicalEvent(event: HashedEventFields): string {
  const details = Object.keys(event.details)
    .sort()
    .map((key) => [key, event.details[key] ?? null]);
  return JSON.stringify([
    "coffer/audit/v1",
    event.chain,
    event.seq,
    event.at,
    event.action,
    event.actorTokenId,
    event.namespace ?? null,
    event.requestId,
    event.subject,
    details,
    event.prevHash,
  ]);
}

/** SHA-256 (hex) of the canonical encoding, which includes the predecessor's hash. */
export function hashEvent(event: HashedEventFields): string {
  return hash("sha256", canonicalEvent(event), "hex");
}
