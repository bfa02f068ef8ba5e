import { describe, expect, test } from "vitest";
import { tableShape } from "@coffer/core/config";
import { functionNames } from "@coffer/functions/routes";
import { alarmSpecs, alarmThresholds, TELEMETRY_NAMESPACE } from "./alarms";

const functions = {
  ...Object.fromEntries(functionNames.map((fn) => [fn, `coffer-prod-${fn}`])),
  keyMaintenance: "coffer-prod-km",
};
const specs = alarmSpecs({
  functions,
  tableName: "coffer-prod-table",
  indexNames: Object.keys(tableShape.globalIndexes),
});
const find = (namespace: string, metricName: string, dimensions: Record<string, string>) =>
  specs.filter(
    (s) =>
      s.namespace === namespace &&
      s.metricName === metricName &&
      JSON.stringify(s.dimensions) === JSON.stringify(dimensions),
  );

describe("alarms", () => {
  test.each(Object.entries(functions))(
    "the %s function alarms on errors, throttles and KMS throttling",
    (_, name) => {
      expect(find("AWS/Lambda", "Errors", { FunctionName: name })).toEqual([
        expect.objectContaining({
          statistic: "Sum",
          periodSeconds: 300,
          threshold: alarmThresholds.functionErrors,
        }),
      ]);
      expect(find("AWS/Lambda", "Throttles", { FunctionName: name })).toEqual([
        expect.objectContaining({ statistic: "Sum", threshold: 1 }),
      ]);
      // The metric the functions' telemetry publishes when KMS answers ThrottlingException.
      expect(find(TELEMETRY_NAMESPACE, "KmsThrottled", { service: name })).toEqual([
        expect.objectContaining({ statistic: "Sum", threshold: 1 }),
      ]);
    },
  );

  test("DynamoDB read and write throttles alarm on the table and on every global index", () => {
    for (const metric of ["ReadThrottleEvents", "WriteThrottleEvents"]) {
      expect(find("AWS/DynamoDB", metric, { TableName: "coffer-prod-table" })).toHaveLength(1);
      for (const index of Object.keys(tableShape.globalIndexes))
        expect(
          find("AWS/DynamoDB", metric, { TableName: "coffer-prod-table", GlobalSecondaryIndexName: index }),
        ).toHaveLength(1);
    }
  });

  test("the account's KMS usage alarms at 80% of the symmetric request quota, per minute", () => {
    const [usage] = find("AWS/Usage", "CallCount", {
      Service: "KMS",
      Type: "API",
      Resource: "CryptographicOperationsSymmetric",
      Class: "None",
    });
    expect(usage).toMatchObject({ statistic: "Sum", periodSeconds: 60, threshold: 480_000 });
    const raised = alarmSpecs({ functions, tableName: "t", indexNames: [] }, 50_000);
    expect(raised.find((s) => s.namespace === "AWS/Usage")?.threshold).toBe(2_400_000);
  });

  test("every alarm has a unique name, fires on reaching its threshold, and an idle stage is quiet", () => {
    expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length);
    for (const spec of specs) {
      expect(spec.comparisonOperator).toBe("GreaterThanOrEqualToThreshold");
      expect(spec.treatMissingData).toBe("notBreaching");
      expect(spec.threshold).toBeGreaterThan(0);
      expect(spec.name).toMatch(/^[A-Z][A-Za-z0-9]+$/);
    }
    // 4 functions × 3, (table + 1 index) × 2, one KMS usage alarm.
    expect(specs).toHaveLength(4 * 3 + 2 * 2 + 1);
  });
});
