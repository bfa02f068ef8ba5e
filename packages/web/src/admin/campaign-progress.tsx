import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTRPC } from "../api";
import { ApiError } from "../components/api-error";
import { formatCount, formatDuration, formatRate } from "./format";

// A rewrap campaign, followed live: key maintenance steps it (every minute in AWS, every few
// seconds locally), and this asks for its progress every second until it completes.

const POLL_MS = 1_000;

/** Whole percent done; a campaign that completed is 100 % even with nothing to move. */
export function percentDone(campaign: { status: string; done: number; total: number }): number {
  if (campaign.status === "completed") return 100;
  if (campaign.total === 0) return 0;
  return Math.min(99, Math.floor((campaign.done / campaign.total) * 100));
}

export function CampaignProgress({ campaignId }: { campaignId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const campaign = useQuery({
    ...trpc.admin.keys.campaign.queryOptions({ campaignId }),
    refetchInterval: (query) =>
      query.state.data?.status === "completed" || query.state.error ? false : POLL_MS,
  });
  const isCompleted = campaign.data?.status === "completed";
  useEffect(() => {
    // The key forgets its campaign (and may have a new minimum) once it completes.
    if (isCompleted) void queryClient.invalidateQueries({ queryKey: trpc.admin.keys.list.queryKey() });
  }, [isCompleted, queryClient, trpc]);

  if (campaign.error) return <ApiError error={campaign.error} testId="campaign-error" />;
  const state = campaign.data;
  if (!state) return <p className="muted">Reading the campaign…</p>;
  const percent = percentDone(state);
  return (
    <div className="campaign" data-testid="campaign" data-status={state.status}>
      <p>
        <strong>Rewrap to v{state.targetVersion}</strong>{" "}
        <span className="muted">
          {state.status === "counting"
            ? "counting the records (it starts once every instance uses the new version)…"
            : state.status === "rewrapping"
              ? "moving records…"
              : "completed"}
        </span>
      </p>
      <progress max={100} value={percent} aria-label="Rewrap progress" data-testid="campaign-bar" />
      <p className="campaign-figures">
        <span data-testid="campaign-percent">{percent} %</span>
        <span data-testid="campaign-done">
          {formatCount(state.done)} of {formatCount(state.total)} records
        </span>
        <span>
          {state.ratePerSecond !== null
            ? formatRate(state.ratePerSecond)
            : state.status === "completed"
              ? "done in one step"
              : "rate: not yet"}
        </span>
        <span>
          {state.status === "completed"
            ? "nothing left"
            : state.estimatedSecondsLeft === null
              ? "time left: not yet known"
              : `${formatDuration(state.estimatedSecondsLeft)} left`}
        </span>
        <span className={state.failures > 0 ? "bad" : undefined} data-testid="campaign-failures">
          {formatCount(state.failures)} failed
        </span>
      </p>
      {state.status === "completed" && (
        <p data-testid="campaign-outcome">
          {formatCount(state.rewrapped)} moved, {formatCount(state.alreadyCurrent)} already current,{" "}
          {formatCount(state.gone)} deleted meanwhile.{" "}
          {state.minRaised
            ? `The minimum decryption version is now v${state.targetVersion}.`
            : state.failures > 0
              ? "Some records failed (below): fix them and start another campaign before raising the minimum."
              : ""}
        </p>
      )}
      {state.failureSamples.length > 0 && (
        <details>
          <summary>Failed records ({state.failureSamples.length} shown)</summary>
          <ul className="samples">
            {state.failureSamples.map((sample) => (
              <li key={sample}>
                <code>{sample}</code>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
