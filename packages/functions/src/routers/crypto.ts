import type { BatchResult } from "@coffer/core/encryption";
import {
  DecryptBatchInput,
  DecryptInput,
  EncryptBatchInput,
  EncryptInput,
  IssueEnvelopeKeyInput,
  OpenEnvelopeKeyInput,
  RewrapInput,
} from "@coffer/core/encryption";
import { OpenSealedInput } from "@coffer/core/sealed";
import { toItemError } from "../errors";
import { scoped } from "../trpc";

const toItems = <T>(results: BatchResult<T>[]) => ({
  results: results.map((result) =>
    result.ok
      ? { ok: true as const, ...result.value }
      : { ok: false as const, error: toItemError(result.error) },
  ),
});

export const cryptoProcedures = {
  encrypt: scoped("encrypt")
    .input(EncryptInput)
    .mutation(({ ctx, input }) => ctx.services.encryption.encrypt(input, ctx.caller)),
  encryptBatch: scoped("encrypt")
    .input(EncryptBatchInput)
    .mutation(async ({ ctx, input }) =>
      toItems(await ctx.services.encryption.encryptBatch(input, ctx.caller)),
    ),
  decrypt: scoped("decrypt")
    .input(DecryptInput)
    .mutation(({ ctx, input }) => ctx.services.encryption.decrypt(input, ctx.caller)),
  decryptBatch: scoped("decrypt")
    .input(DecryptBatchInput)
    .mutation(async ({ ctx, input }) =>
      toItems(await ctx.services.encryption.decryptBatch(input, ctx.caller)),
    ),
  // Local mode (@coffer/client): the caller seals and opens envelopes itself with these keys.
  issueEnvelopeKey: scoped("encrypt")
    .input(IssueEnvelopeKeyInput)
    .mutation(({ ctx, input }) => ctx.services.encryption.issueEnvelopeKey(input, ctx.caller)),
  openEnvelopeKey: scoped("decrypt")
    .input(OpenEnvelopeKeyInput)
    .mutation(({ ctx, input }) => ctx.services.encryption.openEnvelopeKey(input, ctx.caller)),
  openSealed: scoped("decrypt")
    .input(OpenSealedInput)
    .mutation(({ ctx, input }) => ctx.services.sealed.openOnce(input.sealed)),
  rewrap: scoped("rewrap")
    .input(RewrapInput)
    .mutation(({ ctx, input }) => ctx.services.encryption.rewrap(input, ctx.caller)),
};
