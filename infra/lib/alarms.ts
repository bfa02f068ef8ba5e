// The stage's CloudWatch alarms, as data: which metric, which dimensions, which threshold. infra/
// alarms.ts turns each into an aws.cloudwatch.MetricAlarm that notifies the stage's SNS topic.
// Generic over the name type so that infra passes Pulumi outputs and the tests pass strings.

export interface AlarmSpec<Name> {
  /** The component name, unique in the stage (PascalCase). */
  name: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, Name | string>;
  statistic: "Sum" | "Maximum";
  periodSeconds: number;
  evaluationPeriods: number;
  threshold: number;
  comparisonOperator: "GreaterThanOrEqualToThreshold";
  /** No data means no errors, no throttles: an idle stage is healthy. */
  treatMissingData: "notBreaching";
}

export interface AlarmTargets<Name> {
  /** Lambda function names, by the component they come from (the route table's functions, key maintenance). */
  functions: Record<string, Name>;
  tableName: Name;
  /** The table's global index names (each has its own throttle metrics). */
  indexNames: readonly string[];
}

/** The thresholds, in one place. Counts are per 5-minute period unless the name says otherwise. */
export const alarmThresholds = {
  periodSeconds: 300,
  /** Lambda Errors: uncaught throws and timeouts (a typed refusal is not one). */
  functionErrors: 5,
  /** Lambda Throttles: any means reserved concurrency was reached. */
  functionThrottles: 1,
  /** DynamoDB read or write throttle events on the table or an index. */
  dynamoThrottles: 1,
  /**
   * KMS refused calls with ThrottlingException. KMS publishes no throttle metric of its own, so
   * the functions count them (telemetry metric `KmsThrottled`, dimension `service` = the function).
   */
  kmsThrottles: 1,
  /**
   * The account's symmetric cryptographic operations (AWS/Usage CallCount, per minute) reached
   * this share of the quota: throttling is near, for every application in the account and region.
   */
  kmsQuotaShare: 0.8,
} as const;

/** The KMS request quota the usage alarm compares against; the region default, raise it with the quota. */
export const DEFAULT_KMS_SYMMETRIC_QUOTA_PER_SECOND = 10_000;

/** EMF metrics the functions publish (packages/functions/src/telemetry). */
export const TELEMETRY_NAMESPACE = "Coffer";

export function alarmSpecs<Name>(
  targets: AlarmTargets<Name>,
  kmsQuotaPerSecond = DEFAULT_KMS_SYMMETRIC_QUOTA_PER_SECOND,
): AlarmSpec<Name>[] {
  const common = {
    statistic: "Sum",
    periodSeconds: alarmThresholds.periodSeconds,
    evaluationPeriods: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
  } as const;

  const pascal = (name: string) => name[0]!.toUpperCase() + name.slice(1);
  const perFunction = Object.entries(targets.functions).flatMap(
    ([component, functionName]): AlarmSpec<Name>[] => [
      {
        ...common,
        name: `${pascal(component)}Errors`,
        description: `The ${component} function failed or timed out ${alarmThresholds.functionErrors}+ times in 5 minutes.`,
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: functionName },
        threshold: alarmThresholds.functionErrors,
      },
      {
        ...common,
        name: `${pascal(component)}Throttles`,
        description: `The ${component} function was throttled (reserved concurrency reached).`,
        namespace: "AWS/Lambda",
        metricName: "Throttles",
        dimensions: { FunctionName: functionName },
        threshold: alarmThresholds.functionThrottles,
      },
      {
        ...common,
        name: `${pascal(component)}KmsThrottled`,
        description: `KMS throttled calls from the ${component} function (answered SERVICE_UNAVAILABLE or TOO_MANY_REQUESTS).`,
        namespace: TELEMETRY_NAMESPACE,
        metricName: "KmsThrottled",
        dimensions: { service: functionName },
        threshold: alarmThresholds.kmsThrottles,
      },
    ],
  );

  const tables: [string, Record<string, Name | string>][] = [
    ["Table", { TableName: targets.tableName }],
    ...targets.indexNames.map((index): [string, Record<string, Name | string>] => [
      `Index${pascal(index)}`,
      { TableName: targets.tableName, GlobalSecondaryIndexName: index },
    ]),
  ];
  const dynamo = tables.flatMap(([label, dimensions]) =>
    (["ReadThrottleEvents", "WriteThrottleEvents"] as const).map((metricName) => ({
      ...common,
      name: `Dynamo${label}${metricName}`,
      description: `DynamoDB throttled ${metricName.startsWith("Read") ? "reads" : "writes"} on the ${label === "Table" ? "table" : `${label.slice(5)} index`}.`,
      namespace: "AWS/DynamoDB",
      metricName,
      dimensions,
      threshold: alarmThresholds.dynamoThrottles,
    })),
  );

  const kmsUsage = {
    ...common,
    name: "KmsSymmetricQuota",
    description: `The account's symmetric KMS operations reached ${alarmThresholds.kmsQuotaShare * 100}% of the request quota in a minute.`,
    namespace: "AWS/Usage",
    metricName: "CallCount",
    dimensions: { Service: "KMS", Type: "API", Resource: "CryptographicOperationsSymmetric", Class: "None" },
    periodSeconds: 60,
    threshold: Math.floor(kmsQuotaPerSecond * 60 * alarmThresholds.kmsQuotaShare),
  };

  return [...perFunction, ...dynamo, kmsUsage];
}
