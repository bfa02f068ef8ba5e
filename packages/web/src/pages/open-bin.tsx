import { useMutation, useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { type BinSecrets, fromBase64url, parseShareFragment } from "@coffer/sealing/bins";
import { revealBin } from "@coffer/client";
import { useTRPC, useTRPCClient } from "../api";
import { isGone, messageOf } from "../bins/errors";
import { ApiError } from "../components/api-error";
import { BinFacts } from "../components/bin-facts";
import { GoneView, lookUpBin } from "../components/bin-lookup";
import { PassphraseInput } from "../components/content-input";
import { RevealedContent } from "../components/revealed-content";
import { forgetFragment } from "../fragment";

/**
 * Opening the link shows metadata only. Link scanners and previews fetch pages, so nothing is
 * spent until a person clicks Reveal, which sends the proofs (never the secrets).
 */
export function OpenBinPage({ binId, fragment }: { binId: string; fragment: string }) {
  const secrets = parseShareFragment(fragment);
  if (!secrets) {
    return (
      <Card>
        <p className="error" role="alert" data-testid="bin-error">
          This link is incomplete: the part after “#” is missing or damaged. Open the link exactly as you
          received it; if it still fails, ask the sender for it again.
        </p>
      </Card>
    );
  }
  return <OpenBin binId={binId} secrets={secrets} />;
}

function Card({ children }: { children: ReactNode }) {
  return (
    <section className="card">
      <h2>A secret was shared with you</h2>
      {children}
    </section>
  );
}

function OpenBin({ binId, secrets }: { binId: string; secrets: BinSecrets }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [passphrase, setPassphrase] = useState("");
  const metadata = useQuery({ ...trpc.bins.get.queryOptions({ binId }), staleTime: Infinity });

  const reveal = useMutation({
    mutationFn: async ({ salt }: { salt: string | null }) => {
      const passphraseSalt = salt ? fromBase64url(salt) : undefined;
      return revealBin(client, { binId, secrets, passphrase, passphraseSalt });
    },
    // The secrets have done their job: they leave the address bar (and this history entry).
    onSuccess: () => forgetFragment(),
  });

  if (reveal.data) {
    return (
      <Card>
        <RevealedContent payload={reveal.data.payload} />
        <p className="muted" data-testid="after-reveal">
          {reveal.data.readsLeft === 0
            ? "That was the last reveal: Coffer has deleted the secret. Copy or save it now; reloading will not bring it back."
            : `It can be revealed ${reveal.data.readsLeft} more time${reveal.data.readsLeft === 1 ? "" : "s"}.`}
        </p>
      </Card>
    );
  }
  // Another reader took the last read, the secret expired, or too many wrong passphrases destroyed
  // it: the page says so once, and offers nothing that would fail again.
  if (reveal.error && isGone(reveal.error)) {
    return (
      <Card>
        <GoneView message={messageOf(reveal.error)} />
      </Card>
    );
  }
  const lookup = lookUpBin(metadata);
  if ("view" in lookup) return <Card>{lookup.view}</Card>;
  const meta = lookup.bin;
  return (
    <Card>
      <BinFacts bin={meta} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          reveal.mutate({ salt: meta.passphraseSalt });
        }}
      >
        {meta.needsPassphrase && (
          <PassphraseInput
            label="Passphrase (the sender told you)"
            value={passphrase}
            onChange={setPassphrase}
            testId="reveal-passphrase"
            autoComplete="off"
          />
        )}
        <ApiError error={reveal.error} testId="reveal-error" />
        <p className="actions">
          <button
            type="submit"
            data-testid="reveal"
            disabled={reveal.isPending || (meta.needsPassphrase && !passphrase)}
          >
            {reveal.isPending
              ? meta.needsPassphrase
                ? "Checking the passphrase…"
                : "Revealing…"
              : `Reveal the ${meta.kind === "file" ? "file" : "secret"}`}
          </button>
        </p>
      </form>
    </Card>
  );
}
