// Per-stage rules, kept pure so that they can be tested without SST's globals.

export interface StageSettings {
  isProduction: boolean;
  /**
   * Pulumi resource options for what holds data (every KMS key, the table). SST's own
   * `removal: "retain"` covers tables but not `aws.kms.Key`, and `protect` alone only blocks
   * `sst remove`: a rename or a changed key spec would still schedule a key's deletion.
   */
  dataResourceOptions: { retainOnDelete: boolean; protect: boolean };
  /** KMS waits this long before it really deletes a removed key (7..30 days). */
  kmsDeletionWindowDays: number;
  pointInTimeRecovery: boolean;
  deletionProtection: boolean;
}

export function stageSettings(stage: string): StageSettings {
  const isProduction = stage === "production";
  return {
    isProduction,
    dataResourceOptions: { retainOnDelete: isProduction, protect: isProduction },
    kmsDeletionWindowDays: isProduction ? 30 : 7,
    pointInTimeRecovery: isProduction,
    deletionProtection: isProduction,
  };
}

/** "default" → "Default", "my-key" → "MyKey": SST component names are PascalCase and unique. */
export function componentName(...parts: string[]): string {
  return parts
    .flatMap((part) => part.split(/[^a-zA-Z0-9]+/))
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join("");
}

/** The AWS region a stage deploys to: COFFER_REGION, else Coffer's default. */
export function stageRegion(env: Record<string, string | undefined>): string {
  return env.COFFER_REGION || "eu-west-1";
}

/**
 * Per-function limits. Reserved concurrency keeps public traffic on `api` from starving `decrypt`
 * and `admin` (and caps what one function can cost); the API stage throttles every route.
 */
export const functionLimits = {
  api: { reservedConcurrency: 50 },
  decrypt: { reservedConcurrency: 50 },
  admin: { reservedConcurrency: 5 },
} as const;

export const apiThrottle = { burstLimit: 200, rateLimit: 100 } as const;

/**
 * Under `sst dev` a function runs on a developer's machine: a long Lambda timeout so that a
 * breakpoint does not kill it, and a larger SDK budget (COFFER_TIME_BUDGET_MS) for calls that cross
 * the internet to AWS.
 */
export const devFunction = { timeoutSeconds: 900, timeBudgetMs: 60_000 } as const;

/**
 * Alarm settings read at deploy time: COFFER_ALARM_EMAIL subscribes an address to the stage's alarm
 * topic; COFFER_KMS_QUOTA_PER_SECOND is the account's symmetric KMS request quota in the region
 * (the usage alarm fires at 80% of it; see infra/lib/alarms.ts).
 */
export function stageAlarmSettings(env: Record<string, string | undefined>): {
  email: string | undefined;
  kmsQuotaPerSecond: number | undefined;
} {
  const quota = env.COFFER_KMS_QUOTA_PER_SECOND;
  if (quota !== undefined && !/^[1-9][0-9]*$/.test(quota))
    throw new Error("COFFER_KMS_QUOTA_PER_SECOND must be a positive whole number of requests per second.");
  const email = env.COFFER_ALARM_EMAIL || undefined;
  if (email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(email))
    throw new Error("COFFER_ALARM_EMAIL must be one email address.");
  return { email, kmsQuotaPerSecond: quota === undefined ? undefined : Number(quota) };
}
