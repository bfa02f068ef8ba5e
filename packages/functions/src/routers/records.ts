import { ListRecordsInput, PutRecordInput, PutSealedInput, RecordIdInput } from "@coffer/core/records";
import { scoped } from "../trpc";

export const recordsProcedures = {
  put: scoped("encrypt")
    .input(PutRecordInput)
    .mutation(({ ctx, input }) => ctx.services.records.put(input, ctx.caller)),
  /** A drop box: `drop` may store sealed input and do nothing else. */
  putSealed: scoped(["encrypt", "drop"])
    .input(PutSealedInput)
    .mutation(({ ctx, input }) => ctx.services.drops.put(input, ctx.caller)),
  get: scoped("decrypt")
    .input(RecordIdInput)
    .query(({ ctx, input }) => ctx.services.records.get(input, ctx.caller)),
  list: scoped("decrypt")
    .input(ListRecordsInput)
    .query(({ ctx, input }) => ctx.services.records.list(input, ctx.caller)),
  delete: scoped("encrypt")
    .input(RecordIdInput)
    .mutation(({ ctx, input }) => ctx.services.records.delete(input, ctx.caller)),
};
