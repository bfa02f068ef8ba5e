import type { AuthorizeEnvelope, EnvelopeCrypto, EnvelopeDataKey } from "../crypto";
import { CofferError } from "../errors";
import { assertKeyAllowed, type Caller } from "../tokens";
import type {
  DecryptBatchInput,
  DecryptInput,
  EncryptBatchInput,
  EncryptInput,
  IssueEnvelopeKeyInput,
  OpenEnvelopeKeyInput,
  RewrapInput,
} from "./schemas";

/** One item of a batch: its result, or the refusal that only this item earned. */
export type BatchResult<T> = { ok: true; value: T } | { ok: false; error: CofferError };

/**
 * The encryption API over the crypto core: who may use which key, and batches. An item fails alone
 * when its own input is at fault; an outage (or a bug) fails the whole batch, since no other item
 * could succeed either and half a batch is worse than a clear retry.
 */
export function createEncryptionService({ crypto }: { crypto: EnvelopeCrypto }) {
  async function encrypt(input: EncryptInput, caller: Caller) {
    assertKeyAllowed(caller, input.keyName);
    const envelope = await crypto.encrypt({
      keyName: input.keyName,
      plaintext: input.plaintext,
      context: input.context ?? {},
      usedBy: caller.tokenId,
    });
    return { envelope: envelope.toString("base64url"), keyName: input.keyName };
  }

  /** The token's allow-list, checked on the parsed header before any KMS call. */
  const allowedFor =
    (caller: Caller): AuthorizeEnvelope =>
    ({ keyName }) =>
      assertKeyAllowed(caller, keyName);

  async function decrypt(input: DecryptInput, caller: Caller) {
    const { plaintext, keyName, keyVersion } = await crypto.decrypt({
      envelope: input.envelope,
      context: input.context ?? {},
      authorize: allowedFor(caller),
      usedBy: caller.tokenId,
    });
    return { plaintext: plaintext.toString("base64url"), keyName, keyVersion };
  }

  async function rewrap(input: RewrapInput, caller: Caller) {
    const { envelope, ...versions } = await crypto.rewrap({
      envelope: input.envelope,
      authorize: allowedFor(caller),
    });
    return { envelope: envelope.toString("base64url"), ...versions };
  }

  /**
   * Local mode (@coffer/client): a data key the caller encrypts with in its own process. It goes
   * through this service, as an encrypt does, so whatever applies to encrypts (the allow-list, the
   * key's state, usage counts) applies to it.
   */
  async function issueEnvelopeKey(input: IssueEnvelopeKeyInput, caller: Caller) {
    assertKeyAllowed(caller, input.keyName);
    const issued = await crypto.issueEnvelopeKey({
      keyName: input.keyName,
      context: input.context ?? {},
      usedBy: caller.tokenId,
    });
    return { ...envelopeKeyAnswer(issued), wrappedKey: issued.wrappedKey.toString("base64url") };
  }

  /** Local mode's decrypt: an envelope's data key, after every check a decrypt makes. */
  async function openEnvelopeKey(input: OpenEnvelopeKeyInput, caller: Caller) {
    const opened = await crypto.openEnvelopeKey({
      keyName: input.keyName,
      keyVersion: input.keyVersion,
      mode: input.mode,
      wrappedKey: input.wrappedKey,
      context: input.context ?? {},
      authorize: allowedFor(caller),
      usedBy: caller.tokenId,
    });
    return envelopeKeyAnswer(opened);
  }

  return {
    encrypt,
    decrypt,
    rewrap,
    issueEnvelopeKey,
    openEnvelopeKey,
    encryptBatch: ({ items }: EncryptBatchInput, caller: Caller) =>
      eachItem(items, (item) => encrypt(item, caller)),
    decryptBatch: ({ items }: DecryptBatchInput, caller: Caller) =>
      eachItem(items, (item) => decrypt(item, caller)),
  };
}

export type EncryptionService = ReturnType<typeof createEncryptionService>;

async function eachItem<I, O>(items: I[], run: (item: I) => Promise<O>): Promise<BatchResult<O>[]> {
  const settled = await Promise.allSettled(items.map(run));
  return settled.map((outcome) => {
    if (outcome.status === "fulfilled") return { ok: true, value: outcome.value };
    const error = outcome.reason;
    if (error instanceof CofferError && error.kind !== "unavailable") return { ok: false, error };
    throw error;
  });
}

/** A local-mode data key as the procedures answer it: the key in base64url, a copy of its policy. */
function envelopeKeyAnswer(key: EnvelopeDataKey) {
  return {
    keyName: key.keyName,
    keyVersion: key.keyVersion,
    mode: key.mode,
    cache: { ...key.cache },
    dataKey: key.dataKey.toString("base64url"),
  };
}
