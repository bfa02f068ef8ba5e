import { createServices } from "../services";
import { runKeyMaintenance } from "../maintenance";
import { createFunctionTelemetry } from "../telemetry/powertools";
import { portsFromEnvironment } from "./ports";

// The scheduled function (infra/maintenance.ts): an EventBridge schedule invokes it every minute.
// Its KMS calls are counted like the other functions' (the KmsThrottled alarm watches it too).
const telemetry = createFunctionTelemetry({
  serviceName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? "coffer-key-maintenance",
});
const services = createServices({ ...portsFromEnvironment(), telemetry: telemetry.core });

/** Leaves 10 s of the invocation for the last step's checkpoint. */
const SAFETY_MARGIN_MS = 10_000;

export async function handler(
  _event: unknown,
  context: { awsRequestId: string; getRemainingTimeInMillis(): number },
) {
  const deadlineMs = Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS;
  try {
    const result = await runKeyMaintenance(services, { deadlineMs, requestId: context.awsRequestId });
    console.log(
      JSON.stringify({ level: "info", event: "key_maintenance", requestId: context.awsRequestId, ...result }),
    );
    return result;
  } finally {
    telemetry.flush();
  }
}
