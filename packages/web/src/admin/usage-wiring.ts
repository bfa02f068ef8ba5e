import type { AdminOutputs } from "./admin-api";
import type { DailyUsage, TokenUsage, VersionUsage } from "./usage-data";

// ─── WIRING POINT: usage counters (issue 15) ──────────────────────────────────────────────────
// The usage table and chart (usage.tsx) take data of the shapes issue 15 adds to the API. When
// these procedures are on the branch, replace the three bodies below (and nothing else):
//   keyUsageOf:     return key.usage;
//   useDailyUsage:  const trpc = useTRPC();   // from "../api"
//                   const query = useQuery(trpc.admin.keys.usage.queryOptions({ keyName, days }));
//                   return { rows: query.data?.days, error: query.error, isAvailable: true };
//   tokenUsageOf:   return token.usage;
// Until then the console says that usage is not served yet, and shows everything else.
// ───────────────────────────────────────────────────────────────────────────────────────────────

type AdminKey = AdminOutputs["keys"]["list"]["keys"][number];
type AdminToken = AdminOutputs["tokens"]["list"]["tokens"][number];

export function keyUsageOf(_key: AdminKey): VersionUsage[] | undefined {
  return undefined;
}

export function useDailyUsage(
  _keyName: string,
  _days: number,
): { rows: DailyUsage[] | undefined; error: unknown; isAvailable: boolean } {
  return { rows: undefined, error: null, isAvailable: false };
}

export function tokenUsageOf(_token: AdminToken): TokenUsage | undefined {
  return undefined;
}
