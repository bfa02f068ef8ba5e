import { DataKeyInput, DecryptDataKeyInput } from "@coffer/core/data-keys";
import { publicProcedure, scoped } from "../trpc";

export const keysApi = {
  /** The seal key's public half, for sealed input (docs/sealed.md). */
  publicKey: publicProcedure.query(({ ctx }) => ctx.services.sealed.publicKey()),
  dataKey: scoped("datakey")
    .input(DataKeyInput)
    .mutation(({ ctx, input }) => ctx.services.dataKeys.generate(input, ctx.caller)),
};

export const keysDecrypt = {
  decryptDataKey: scoped("decrypt")
    .input(DecryptDataKeyInput)
    .mutation(({ ctx, input }) => ctx.services.dataKeys.decrypt(input, ctx.caller)),
};
