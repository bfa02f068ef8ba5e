import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { handlerSource, scheduledJobs } from "@coffer/functions/routes";

// The local stand-in for infra/maintenance.ts's schedule: the same handler export, invoked on a
// timer in this process (after the gateway has set the function environment), one run at a time.

type MaintenanceHandler = (
  event: unknown,
  context: { awsRequestId: string; getRemainingTimeInMillis(): number },
) => Promise<unknown>;

export function startMaintenanceTimer({ root, intervalMs }: { root: string; intervalMs: number }) {
  const job = scheduledJobs.keyMaintenance;
  const { file, exportName } = handlerSource(job.handler);
  let running: Promise<void> | undefined;
  let runs = 0;
  async function tick() {
    const module = (await import(pathToFileURL(join(root, file)).href)) as Record<string, MaintenanceHandler>;
    const startedAt = Date.now();
    await module[exportName]!(
      {},
      {
        awsRequestId: `local-maintenance-${++runs}`,
        getRemainingTimeInMillis: () => job.timeoutSeconds * 1000 - (Date.now() - startedAt),
      },
    );
  }
  const timer = setInterval(() => {
    if (running) return;
    running = tick()
      .catch((error: unknown) =>
        console.error(
          JSON.stringify({ level: "warn", event: "key_maintenance_failed", error: String(error) }),
        ),
      )
      .finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
