import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../api";

interface Check {
  ok: boolean;
  latencyMs: number;
}

const names: Record<string, string> = { kms: "KMS", dynamodb: "DynamoDB" };

export function HealthPage() {
  const trpc = useTRPC();
  const health = useQuery(trpc.health.queryOptions());
  const report =
    health.data ??
    (health.error?.data?.details as { stage?: string; checks?: Record<string, Check> } | undefined);
  const healthy = health.isSuccess;

  return (
    <section className="card" aria-live="polite">
      <h2>Service health</h2>
      {health.isPending ? (
        <p data-testid="health-status">Checking…</p>
      ) : (
        <p data-testid="health-status" className={healthy ? "ok" : "bad"}>
          {healthy ? "Healthy" : `Unhealthy: ${health.error?.message ?? "no answer"}`}
        </p>
      )}
      {report?.checks && (
        <table className="checks">
          <tbody>
            {Object.entries(report.checks).map(([name, check]) => (
              <tr key={name} data-testid={`check-${name}`}>
                <th>{names[name] ?? name}</th>
                <td className={check.ok ? "ok" : "bad"}>{check.ok ? "up" : "down"}</td>
                <td className="muted">{check.latencyMs} ms</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report?.stage && <p className="muted">Stage: {report.stage}</p>}
    </section>
  );
}
