export interface BinFactsProps {
  bin: { kind: "text" | "file"; expiresAt: number; readsLeft: number; needsPassphrase: boolean };
}

const when = (epochSeconds: number) =>
  new Date(epochSeconds * 1000).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/** What anyone with the link may know before revealing: never the content. */
export function BinFacts({ bin: { kind, expiresAt, readsLeft, needsPassphrase } }: BinFactsProps) {
  return (
    <ul className="facts" data-testid="bin-facts">
      <li>Holds {kind === "file" ? "a file" : "a text"}.</li>
      <li data-testid="reads-left">
        {readsLeft === 1
          ? "It can be revealed once; then it is deleted."
          : `It can be revealed ${readsLeft} more times.`}
      </li>
      <li>It expires on {when(expiresAt)}.</li>
      {needsPassphrase && <li>It is protected by a passphrase.</li>}
    </ul>
  );
}
