import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../api";

// The public health answer is up or down only (the details are for administrators).
export function HealthPage() {
  const trpc = useTRPC();
  const health = useQuery({ ...trpc.health.queryOptions(), retry: true, retryDelay: 2_000 });

  return (
    <section className="card" aria-live="polite">
      <h2>Service health</h2>
      {health.isSuccess ? (
        <p data-testid="health-status" className="ok">
          Healthy
        </p>
      ) : health.failureCount > 0 || health.isError ? (
        <p data-testid="health-status" className="bad">
          {`Unhealthy: ${health.error?.message ?? health.failureReason?.message ?? "no answer"}`}
        </p>
      ) : (
        <p data-testid="health-status">Checking…</p>
      )}
    </section>
  );
}
