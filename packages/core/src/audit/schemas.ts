import * as z from "zod/mini";

/** "tokens", or "key:<name>" for a catalog key's chain. */
export const ChainName = z
  .string()
  .check(z.regex(/^(tokens|key:[a-z0-9-]{1,32})$/, 'A chain is "tokens" or "key:<key name>"'));

export const ListAuditInput = z.strictObject({
  chain: ChainName,
  /** Epoch ms, inclusive. */
  fromAt: z.optional(z.int().check(z.gte(0))),
  toAt: z.optional(z.int().check(z.gte(0))),
  limit: z.optional(z.int().check(z.gte(1), z.lte(100))),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
});
export type ListAuditInput = z.infer<typeof ListAuditInput>;

export const VerifyAuditInput = z.strictObject({ chain: ChainName });
export type VerifyAuditInput = z.infer<typeof VerifyAuditInput>;
