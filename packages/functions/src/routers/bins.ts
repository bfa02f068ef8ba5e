import {
  CreateBinInput,
  DeleteBinInput,
  GetBinInput,
  ReleaseBinInput,
  RevealBinInput,
  SetBinExpiryInput,
  UpdateBinInput,
} from "@coffer/core/bins";
import type { Context } from "../context";
import { publicProcedure } from "../trpc";

// Secure bins need no token: the proofs are the wrapped key (update, delete), the read proof
// (reveal) and the KMS-issued key (create). Only the source IP (for the rate
// limit) and the request id (for the burn log) leave the context.
/** The source IP (rate limit) and the request id (the burn log). */
const originOf = (ctx: Context) => ({ sourceIp: ctx.request.sourceIp, requestId: ctx.request.requestId });

export const binsRouter = {
  issueKey: publicProcedure.mutation(({ ctx }) => ctx.services.bins.issueKey(originOf(ctx))),
  create: publicProcedure
    .input(CreateBinInput)
    .mutation(({ ctx, input }) => ctx.services.bins.create(input, originOf(ctx))),
  get: publicProcedure.input(GetBinInput).query(({ ctx, input }) => ctx.services.bins.get(input)),
  reveal: publicProcedure
    .input(RevealBinInput)
    .mutation(({ ctx, input }) => ctx.services.bins.reveal(input, originOf(ctx))),
  release: publicProcedure
    .input(ReleaseBinInput)
    .mutation(({ ctx, input }) => ctx.services.bins.release(input)),
  update: publicProcedure
    .input(UpdateBinInput)
    .mutation(({ ctx, input }) => ctx.services.bins.update(input, originOf(ctx))),
  setExpiry: publicProcedure
    .input(SetBinExpiryInput)
    .mutation(({ ctx, input }) => ctx.services.bins.setExpiry(input, originOf(ctx))),
  delete: publicProcedure
    .input(DeleteBinInput)
    .mutation(({ ctx, input }) => ctx.services.bins.delete(input, originOf(ctx))),
};
