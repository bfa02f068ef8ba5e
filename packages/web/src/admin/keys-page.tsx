import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../api";
import { ApiError } from "../components/api-error";
import type { AdminOutputs } from "./admin-api";
import { CampaignProgress } from "./campaign-progress";
import { formatMoment } from "./format";
import { RaiseMinimum } from "./min-version";
import { UsageChart, UsageTable } from "./usage";

// Keys: each catalog key with its state, versions and usage, and what an administrator does to it:
// rotate, disable or enable, raise the minimum decryption version, rewrap the stored records.

type AdminKey = AdminOutputs["keys"]["list"]["keys"][number];

const CHART_DAYS = 14;

export function KeysPage() {
  const trpc = useTRPC();
  const keys = useQuery(trpc.admin.keys.list.queryOptions());
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">Keys</h2>
      <ApiError error={keys.error} testId="keys-error" />
      {keys.isPending && <p className="muted">Reading the keys…</p>}
      {keys.data?.keys.map((key) => (
        <KeyCard key={key.keyName} keyInfo={key} />
      ))}
    </section>
  );
}

function KeyCard({ keyInfo: key }: { keyInfo: AdminKey }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [panel, setPanel] = useState<"none" | "raise" | "rewrap">("none");
  const [raiseOnCompletion, setRaiseOnCompletion] = useState(false);
  // The campaign this page started stays shown after it completes (the key forgets it then).
  const [followed, setFollowed] = useState<string>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.keys.list.queryKey() });
  const options = { onSuccess: refresh };
  const rotate = useMutation(trpc.admin.keys.rotate.mutationOptions(options));
  const disable = useMutation(trpc.admin.keys.disable.mutationOptions(options));
  const enable = useMutation(trpc.admin.keys.enable.mutationOptions(options));
  const rewrap = useMutation(
    trpc.admin.keys.startRewrap.mutationOptions({
      onSuccess: (campaign) => {
        setFollowed(campaign.campaignId);
        setPanel("none");
        return refresh();
      },
    }),
  );
  const campaignId = key.activeCampaignId ?? followed;
  const isEnabled = key.state === "enabled";
  const hasItem = key.versions.length > 0;
  const currentVersion = key.currentVersion;
  const testId = (name: string) => `${name}-${key.keyName}`;

  return (
    <article className="card" data-testid={testId("key")} aria-labelledby={testId("key-title")}>
      <h3 id={testId("key-title")}>
        {key.keyName}{" "}
        <span className={`badge ${isEnabled ? "ok" : "bad"}`} data-testid={testId("key-state")}>
          {key.state}
        </span>
      </h3>
      <dl className="facts">
        <div>
          <dt>Current version</dt>
          <dd data-testid={testId("current-version")}>v{currentVersion}</dd>
        </div>
        <div>
          <dt>Minimum decryption version</dt>
          <dd data-testid={testId("min-version")}>v{key.minDecryptionVersion}</dd>
        </div>
        <div>
          <dt>Rewrap campaign</dt>
          <dd>{key.activeCampaignId ? "running" : "none running"}</dd>
        </div>
      </dl>

      <div className="actions" role="group" aria-label={`Actions on ${key.keyName}`}>
        <button
          type="button"
          data-testid={testId("rotate")}
          disabled={!isEnabled || rotate.isPending}
          onClick={() => rotate.mutate({ keyName: key.keyName })}
        >
          {rotate.isPending ? "Rotating…" : "Rotate"}
        </button>
        {isEnabled ? (
          <button
            type="button"
            className="secondary"
            data-testid={testId("disable")}
            disabled={disable.isPending}
            onClick={() => disable.mutate({ keyName: key.keyName })}
          >
            Disable
          </button>
        ) : (
          <button
            type="button"
            data-testid={testId("enable")}
            disabled={enable.isPending}
            onClick={() => enable.mutate({ keyName: key.keyName })}
          >
            Enable
          </button>
        )}
        <button
          type="button"
          className="secondary"
          data-testid={testId("raise-min")}
          disabled={currentVersion <= key.minDecryptionVersion}
          title={
            currentVersion <= key.minDecryptionVersion
              ? "Rotate first: the minimum is already the current version"
              : undefined
          }
          onClick={() => setPanel(panel === "raise" ? "none" : "raise")}
        >
          Raise minimum…
        </button>
        <button
          type="button"
          className="secondary"
          data-testid={testId("rewrap")}
          disabled={!isEnabled || key.activeCampaignId !== null}
          onClick={() => setPanel(panel === "rewrap" ? "none" : "rewrap")}
        >
          Rewrap stored records…
        </button>
      </div>
      {!isEnabled && (
        <p className="muted">
          Disabled: every encrypt and decrypt under this key is refused until you enable it.
        </p>
      )}
      <ApiError error={rotate.error ?? disable.error ?? enable.error} testId={testId("key-action-error")} />

      {panel === "raise" && (
        <RaiseMinimum
          keyName={key.keyName}
          currentVersion={currentVersion}
          minDecryptionVersion={key.minDecryptionVersion}
          onClose={() => setPanel("none")}
        />
      )}
      {panel === "rewrap" && (
        <form
          className="confirm"
          data-testid={testId("rewrap-form")}
          onSubmit={(event) => {
            event.preventDefault();
            rewrap.mutate({ keyName: key.keyName, raiseMinOnCompletion: raiseOnCompletion });
          }}
        >
          <p>
            Move every stored record of “{key.keyName}” to v{currentVersion} (KMS ReEncrypt: no record is
            decrypted). Records already at v{currentVersion} are left as they are.
          </p>
          <label className="check">
            <input
              type="checkbox"
              checked={raiseOnCompletion}
              onChange={(event) => setRaiseOnCompletion(event.target.checked)}
            />
            Then raise the minimum decryption version to v{currentVersion}, if no record failed
          </label>
          <ApiError error={rewrap.error} testId={testId("rewrap-error")} />
          <p className="actions">
            <button type="submit" data-testid={testId("rewrap-start")} disabled={rewrap.isPending}>
              Start the campaign
            </button>
            <button type="button" className="secondary" onClick={() => setPanel("none")}>
              Cancel
            </button>
          </p>
        </form>
      )}
      {campaignId && <CampaignProgress campaignId={campaignId} />}

      <h4>Versions</h4>
      {hasItem ? (
        <div className="scroll">
          <table className="data" data-testid={testId("versions")}>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Made</th>
                <th scope="col">How</th>
                <th scope="col">Readable</th>
              </tr>
            </thead>
            <tbody>
              {[...key.versions].reverse().map((version) => (
                <tr key={version.version}>
                  <th scope="row">
                    v{version.version}
                    {version.version === currentVersion && <span className="muted"> (current)</span>}
                  </th>
                  <td>{formatMoment(version.createdAt)}</td>
                  <td>{version.source.replace("_", " ")}</td>
                  <td>
                    {version.version >= key.minDecryptionVersion ? (
                      "yes"
                    ) : (
                      <span className="bad">retired</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">v1 only: the key has not been changed since Coffer first used it.</p>
      )}
      <KeyUsage keyInfo={key} />
    </article>
  );
}

function KeyUsage({ keyInfo: key }: { keyInfo: AdminKey }) {
  const trpc = useTRPC();
  const daily = useQuery(trpc.admin.keys.usage.queryOptions({ keyName: key.keyName, days: CHART_DAYS }));
  const versions = key.versions.length > 0 ? key.versions.map((version) => version.version) : [1];
  return (
    <>
      <h4>Usage</h4>
      <div className="scroll">
        <UsageTable usage={key.usage} versions={versions} />
      </div>
      <ApiError error={daily.error} testId={`usage-error-${key.keyName}`} />
      {daily.data && (
        <UsageChart
          rows={daily.data.days}
          lastDay={new Date().toISOString().slice(0, 10)}
          days={CHART_DAYS}
        />
      )}
    </>
  );
}
