import { CreateTokenInput, ListTokensInput, RevokeTokenInput } from "@coffer/core/tokens";
import { scoped } from "../trpc";

const admin = scoped("admin");

export const adminTokens = {
  create: admin.input(CreateTokenInput).mutation(({ ctx, input }) => ctx.services.tokens.create(input)),
  list: admin.input(ListTokensInput).query(({ ctx, input }) => ctx.services.tokens.list(input)),
  revoke: admin.input(RevokeTokenInput).mutation(({ ctx, input }) => ctx.services.tokens.revoke(input)),
};
