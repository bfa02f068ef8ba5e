// Local mode: Coffer envelopes (docs/envelope.md, both modes) made and opened in this process with
// node:crypto, with data keys that Coffer issues (crypto.issueEnvelopeKey, scope encrypt) and opens
// (crypto.openEnvelopeKey, scope decrypt, with every lifecycle check of its own decrypt). The
// envelope code, the caches and their caps are core's (createLocalEnvelopeCrypto); this file only
// speaks to the API and turns its refusals into the same CofferError a server-side caller meets.
import { TRPCClientError } from "@trpc/client";
import type { Clock } from "@coffer/core/clock";
import { createLocalEnvelopeCrypto, type LocalKeyApi } from "@coffer/core/crypto";
import { CofferError, type ErrorKind } from "@coffer/core/errors";
import type { CofferClient } from "./index";

// The inverse of the server's one error table (packages/functions/src/errors.ts).
const KIND_OF: Record<string, ErrorKind> = {
  BAD_REQUEST: "invalid",
  UNAUTHORIZED: "unauthenticated",
  FORBIDDEN: "forbidden",
  NOT_FOUND: "not_found",
  CONFLICT: "conflict",
  PRECONDITION_FAILED: "key_unusable",
  TOO_MANY_REQUESTS: "rate_limited",
  SERVICE_UNAVAILABLE: "unavailable",
};

/** A refusal from the API as the CofferError the service raised: same kind, reason and message. */
async function fromApi<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = (error.data ?? {}) as { code?: string; reason?: string };
    const kind = KIND_OF[data.code ?? ""] ?? "unavailable";
    throw new CofferError(kind, error.message, {
      ...(data.reason ? { reason: data.reason } : {}),
      cause: error,
    });
  }
}

const bytes = (base64url: string) => Buffer.from(base64url, "base64url");

export interface LocalEncryptInput {
  keyName: string;
  /** Bytes, or a string taken as UTF-8. */
  plaintext: Uint8Array | string;
  context?: Record<string, string>;
}

export interface LocalDecryptInput {
  /** Bytes, or base64url as crypto.encrypt returns it. */
  envelope: Uint8Array | string;
  /** Exactly the context the envelope was made with. */
  context?: Record<string, string>;
}

export function createLocalMode(client: CofferClient, { clock }: { clock: Clock }) {
  const api: LocalKeyApi = {
    async issue({ keyName, context }) {
      const issued = await fromApi(() => client.crypto.issueEnvelopeKey.mutate({ keyName, context }));
      return { ...issued, dataKey: bytes(issued.dataKey), wrappedKey: bytes(issued.wrappedKey) };
    },
    async open({ keyName, keyVersion, mode, wrappedKey, context }) {
      const opened = await fromApi(() =>
        client.crypto.openEnvelopeKey.mutate({
          keyName,
          keyVersion,
          mode,
          wrappedKey: Buffer.from(wrappedKey).toString("base64url"),
          context,
        }),
      );
      return { ...opened, dataKey: bytes(opened.dataKey) };
    },
  };
  const crypto = createLocalEnvelopeCrypto({ api, clock });

  return {
    /** Envelope-encrypts in this process; the result opens with crypto.decrypt too. */
    encrypt: (input: LocalEncryptInput): Promise<Buffer> =>
      crypto.encrypt({
        keyName: input.keyName,
        plaintext: typeof input.plaintext === "string" ? Buffer.from(input.plaintext) : input.plaintext,
        context: input.context ?? {},
      }),
    /** Opens an envelope in this process, whoever made it (crypto.encrypt or local.encrypt). */
    decrypt: (input: LocalDecryptInput) =>
      crypto.decrypt({
        envelope: typeof input.envelope === "string" ? bytes(input.envelope) : input.envelope,
        context: input.context ?? {},
      }),
    /** Zero-fills and forgets every data key this process holds. */
    clear: () => crypto.clear(),
  };
}

export type LocalMode = ReturnType<typeof createLocalMode>;
