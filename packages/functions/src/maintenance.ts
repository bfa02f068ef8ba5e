import { dataKeyNames } from "@coffer/core/config";
import type { Services } from "./services";

/**
 * One round of key maintenance: pick up KMS's automatic rotations, then step every running rewrap
 * campaign until `deadlineMs`. Each step is bounded and checkpointed, so an invocation that is
 * cut short (timeout, crash) loses nothing: the next round resumes from the last checkpoint.
 */
export async function runKeyMaintenance(
  services: Services,
  { deadlineMs, requestId }: { deadlineMs: number; requestId: string },
) {
  const synced = [];
  for (const keyName of dataKeyNames) synced.push(await services.keys.syncRotations(keyName, requestId));
  const campaigns = await services.campaigns.runDue(dataKeyNames, deadlineMs);
  return {
    keys: synced.map(({ keyName, currentVersion }) => ({ keyName, currentVersion })),
    campaigns: campaigns.map(({ campaignId, status, done, total }) => ({ campaignId, status, done, total })),
  };
}
