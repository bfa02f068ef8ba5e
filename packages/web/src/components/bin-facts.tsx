import { limits } from "@coffer/client";
import { When } from "./when";

export interface BinFactsProps {
  bin: {
    kind: "text" | "file";
    expiresAt: number;
    readsLeft: number;
    needsPassphrase: boolean;
    passphraseTriesLeft?: number | null;
  };
}

/** What anyone with the link may know before revealing: never the content. */
export function BinFacts({
  bin: { kind, expiresAt, readsLeft, needsPassphrase, passphraseTriesLeft },
}: BinFactsProps) {
  return (
    <ul className="facts" data-testid="bin-facts">
      <li>Holds {kind === "file" ? "a file" : "a text"}.</li>
      <li data-testid="reads-left">
        {readsLeft === 1
          ? "It can be revealed once; then it is deleted."
          : `It can be revealed ${readsLeft} more times.`}
      </li>
      <li data-testid="expires">
        It expires on <When epochSeconds={expiresAt} />.
      </li>
      {needsPassphrase && (
        <li>
          It is protected by a passphrase
          {typeof passphraseTriesLeft === "number" && passphraseTriesLeft < limits.maxBinWrongPassphrases
            ? ` (${passphraseTriesLeft} ${passphraseTriesLeft === 1 ? "try" : "tries"} left)`
            : ""}
          .
        </li>
      )}
    </ul>
  );
}
