import { useMutation, useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { fromBase64url, openBin, toBase64url, unlockBin } from "@coffer/sealing/bins";
import { useTRPC, useTRPCClient } from "../api";
import { parseShareFragment } from "../bins/links";
import { ApiError } from "../components/api-error";
import { BinFacts } from "../components/bin-facts";
import { lookUpBin } from "../components/bin-lookup";
import { PassphraseInput } from "../components/content-input";
import { RevealedContent } from "../components/revealed-content";

/**
 * Opening the link shows metadata only. Link scanners and previews fetch pages, so nothing is
 * spent until a person clicks Reveal, which sends the read proof (never the key).
 */
export function OpenBinPage({ binId, fragment }: { binId: string; fragment: string }) {
  const key = parseShareFragment(fragment);
  if (!key) {
    return (
      <Card>
        <p className="error" data-testid="bin-error">
          This link is incomplete: the key after “#” is missing or damaged. Ask the sender to copy the whole
          link again.
        </p>
      </Card>
    );
  }
  return <OpenBin binId={binId} binKey={key} />;
}

function Card({ children }: { children: ReactNode }) {
  return (
    <section className="card">
      <h2>A secret was shared with you</h2>
      {children}
    </section>
  );
}

function OpenBin({ binId, binKey }: { binId: string; binKey: Uint8Array }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [passphrase, setPassphrase] = useState("");
  const metadata = useQuery({ ...trpc.bins.get.queryOptions({ binId }), staleTime: Infinity });

  const reveal = useMutation({
    mutationFn: async ({ salt }: { salt: string | null }) => {
      const passphraseSalt = salt ? fromBase64url(salt) : undefined;
      const { contentKey, readProof } = await unlockBin({ key: binKey, binId, passphrase, passphraseSalt });
      const revealed = await client.bins.reveal.mutate({ binId, readProof: toBase64url(readProof) });
      const payload = await openBin({
        contentKey,
        binId,
        version: revealed.version,
        iv: fromBase64url(revealed.iv),
        ciphertext: fromBase64url(revealed.ciphertext),
      });
      return { payload, readsLeft: revealed.readsLeft };
    },
  });

  if (reveal.data) {
    return (
      <Card>
        <RevealedContent payload={reveal.data.payload} />
        <p className="muted" data-testid="after-reveal">
          {reveal.data.readsLeft === 0
            ? "That was the last reveal: Coffer has deleted it. Copy or save it now; reloading will not bring it back."
            : `It can be revealed ${reveal.data.readsLeft} more time${reveal.data.readsLeft === 1 ? "" : "s"}.`}
        </p>
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
