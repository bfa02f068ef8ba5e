import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../api";
import { ApiError } from "../components/api-error";

// Service health, for administrators: KMS and DynamoDB checked now, with latencies, the stage and
// the version. The public site no longer shows any of this (the public `health` says up or down).

const NAMES: Record<string, string> = { kms: "KMS", dynamodb: "DynamoDB" };

export function HealthPage() {
  const trpc = useTRPC();
  const health = useQuery(trpc.admin.health.queryOptions());
  const report = health.data;
  return (
    <section aria-labelledby="health-title">
      <h2 id="health-title">Service health</h2>
      <div className="card" data-testid="admin-health">
        {health.isPending && <p className="muted">Checking KMS and DynamoDB…</p>}
        <ApiError error={health.error} testId="health-error" />
        {report && (
          <>
            <p data-testid="health-status" className={report.status === "ok" ? "success" : "error"}>
              {report.status === "ok" ? "✓ Every dependency answers." : "✗ A dependency is down."}
            </p>
            <table className="data checks">
              <thead>
                <tr>
                  <th scope="col">Dependency</th>
                  <th scope="col">State</th>
                  <th scope="col" className="num">
                    Latency
                  </th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(report.checks).map(([name, check]) => (
                  <tr key={name} data-testid={`health-${name}`}>
                    <th scope="row">{NAMES[name] ?? name}</th>
                    <td className={check.ok ? "ok" : "bad"}>{check.ok ? "up" : "down"}</td>
                    <td className="num">{check.latencyMs} ms</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted" data-testid="health-stage">
              Stage <strong>{report.stage}</strong> · version <strong>{report.version}</strong>
            </p>
          </>
        )}
        <p className="actions">
          <button
            type="button"
            className="secondary"
            disabled={health.isFetching}
            onClick={() => void health.refetch()}
          >
            {health.isFetching ? "Checking…" : "Check again"}
          </button>
        </p>
      </div>
    </section>
  );
}
