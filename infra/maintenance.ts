import { scheduledJobs } from "@coffer/functions/routes";
import { keys, keysLink } from "./kms";
import { dynamoStatements } from "./lib/dynamo-policies";
import { kmsStatements } from "./lib/policies";
import { table } from "./storage";

// Key maintenance runs on an EventBridge schedule (sst.aws.Cron), not a queue or self-invocation:
// the rotation sync needs a schedule anyway, and a schedule cannot lose its trigger. A queue
// message that fails too often goes to a dead-letter queue and a self-invoking chain ends with
// the invocation that crashes; either would strand a campaign. Every step is bounded and
// checkpointed in DynamoDB, so a tick that dies mid-step costs at most that step, and the next tick
// (a minute later) resumes. Each tick steps campaigns until 10 s before its 60 s timeout.
const job = scheduledJobs.keyMaintenance;

export const keyMaintenance = new sst.aws.Cron("KeyMaintenance", {
  schedule: job.schedule,
  function: {
    handler: job.handler,
    runtime: "nodejs22.x",
    architecture: "arm64",
    timeout: `${job.timeoutSeconds} seconds`,
    memory: `${job.memoryMb} MB`,
    link: [table, keysLink],
    permissions: [
      ...kmsStatements(job.kms, keys.arns),
      ...dynamoStatements(job.dynamo, {
        table: table.arn,
        index: (name: string) => $interpolate`${table.arn}/index/${name}`,
      }),
    ],
    nodejs: { minify: true },
  },
});
