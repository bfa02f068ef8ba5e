import {
  CreateBinInput,
  DeleteBinInput,
  GetBinInput,
  ReleaseBinInput,
  RevealBinInput,
  SetBinExpiryInput,
  UpdateBinInput,
} from "@coffer/core/bins";
import { publicProcedure } from "../trpc";

// Secure bins need no token: the proofs are the wrapped key (update, delete), the read proof
// (reveal) and the KMS-issued key (create). Only the source IP leaves the context, for the rate limit.
export const binsRouter = {
  issueKey: publicProcedure.mutation(({ ctx }) =>
    ctx.services.bins.issueKey({ sourceIp: ctx.request.sourceIp }),
  ),
  create: publicProcedure
    .input(CreateBinInput)
    .mutation(({ ctx, input }) => ctx.services.bins.create(input, { sourceIp: ctx.request.sourceIp })),
  get: publicProcedure.input(GetBinInput).query(({ ctx, input }) => ctx.services.bins.get(input)),
  reveal: publicProcedure
    .input(RevealBinInput)
    .mutation(({ ctx, input }) => ctx.services.bins.reveal(input, { sourceIp: ctx.request.sourceIp })),
  release: publicProcedure
    .input(ReleaseBinInput)
    .mutation(({ ctx, input }) => ctx.services.bins.release(input)),
  update: publicProcedure
    .input(UpdateBinInput)
    .mutation(({ ctx, input }) => ctx.services.bins.update(input, { sourceIp: ctx.request.sourceIp })),
  setExpiry: publicProcedure
    .input(SetBinExpiryInput)
    .mutation(({ ctx, input }) => ctx.services.bins.setExpiry(input, { sourceIp: ctx.request.sourceIp })),
  delete: publicProcedure
    .input(DeleteBinInput)
    .mutation(({ ctx, input }) => ctx.services.bins.delete(input, { sourceIp: ctx.request.sourceIp })),
};
