import { PutRecordInput, RecordIdInput } from "@coffer/core/records";
import { scoped } from "../trpc";

export const recordsProcedures = {
  put: scoped("encrypt")
    .input(PutRecordInput)
    .mutation(({ ctx, input }) => ctx.services.records.put(input, ctx.caller)),
  get: scoped("decrypt")
    .input(RecordIdInput)
    .query(({ ctx, input }) => ctx.services.records.get(input, ctx.caller)),
  delete: scoped("encrypt")
    .input(RecordIdInput)
    .mutation(({ ctx, input }) => ctx.services.records.delete(input, ctx.caller)),
};
