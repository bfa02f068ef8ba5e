import { DataKeyInput, DecryptDataKeyInput } from "@coffer/core/data-keys";
import { scoped } from "../trpc";

export const keysApi = {
  dataKey: scoped("datakey")
    .input(DataKeyInput)
    .mutation(({ ctx, input }) => ctx.services.dataKeys.generate(input, ctx.caller)),
};

export const keysDecrypt = {
  decryptDataKey: scoped("decrypt")
    .input(DecryptDataKeyInput)
    .mutation(({ ctx, input }) => ctx.services.dataKeys.decrypt(input, ctx.caller)),
};
