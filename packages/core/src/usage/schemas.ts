import * as z from "zod/mini";
import { KeyName } from "../schemas";
import { Namespace } from "../tokens";
import { NO_NAMESPACE } from "./refusals";
import { REFUSAL_DAYS_KEPT, USAGE_DAYS_KEPT } from "./periods";

export const KeyUsageInput = z.strictObject({
  keyName: KeyName,
  /** UTC days back from today, today included. */
  days: z._default(z.int().check(z.gte(1), z.lte(USAGE_DAYS_KEPT)), 14),
});
export type KeyUsageInput = z.infer<typeof KeyUsageInput>;

export const ListRefusalsInput = z.strictObject({
  /** A token's namespace, or "-" for refusals and burns with no token behind them. */
  namespace: z.optional(z.union([Namespace, z.literal(NO_NAMESPACE)])),
  /** Epoch ms; default 24 hours ago, at most 7 days back (what is kept). */
  since: z.optional(z.int().check(z.gte(0))),
});
export type ListRefusalsInput = z.infer<typeof ListRefusalsInput>;

export { REFUSAL_DAYS_KEPT, USAGE_DAYS_KEPT };
