import { tableShape } from "@coffer/core/config";
import { functions } from "./api";
import { alarmSpecs } from "./lib/alarms";
import { componentName, stageAlarmSettings } from "./lib/stage";
import { keyMaintenance } from "./maintenance";
import { table } from "./storage";

// Where alarms go: one SNS topic per stage. COFFER_ALARM_EMAIL (at deploy time) subscribes an
// address to it; AWS mails a confirmation link first, and nothing arrives until it is clicked.
// Anything else (a chat webhook, a pager) subscribes to the topic the same way.
const settings = stageAlarmSettings(process.env);

export const alarmTopic = new aws.sns.Topic("AlarmTopic", { name: `${$app.name}-${$app.stage}-alarms` });
if (settings.email)
  new aws.sns.TopicSubscription("AlarmEmail", {
    topic: alarmTopic.arn,
    protocol: "email",
    endpoint: settings.email,
  });

for (const spec of alarmSpecs(
  {
    functions: {
      ...Object.fromEntries(Object.entries(functions).map(([name, fn]) => [name, fn.name])),
      keyMaintenance: keyMaintenance.nodes.function.name,
    },
    tableName: table.name,
    indexNames: Object.keys(tableShape.globalIndexes),
  },
  settings.kmsQuotaPerSecond,
)) {
  new aws.cloudwatch.MetricAlarm(componentName("Alarm", spec.name), {
    name: $interpolate`${$app.name}-${$app.stage}-${spec.name}`,
    alarmDescription: spec.description,
    namespace: spec.namespace,
    metricName: spec.metricName,
    dimensions: spec.dimensions,
    statistic: spec.statistic,
    period: spec.periodSeconds,
    evaluationPeriods: spec.evaluationPeriods,
    threshold: spec.threshold,
    comparisonOperator: spec.comparisonOperator,
    treatMissingData: spec.treatMissingData,
    alarmActions: [alarmTopic.arn],
    okActions: [alarmTopic.arn],
  });
}
