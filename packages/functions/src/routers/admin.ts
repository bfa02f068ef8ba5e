import {
  CampaignInput,
  CountRecordsBelowVersionInput,
  KeyNameInput,
  SetMinDecryptionVersionInput,
  StartRewrapInput,
} from "@coffer/core/keys";
import { ListAuditInput, VerifyAuditInput } from "@coffer/core/audit";
import type { AuditActor } from "@coffer/core/db";
import { CreateTokenInput, ListTokensInput, RevokeTokenInput } from "@coffer/core/tokens";
import { KeyUsageInput, ListRefusalsInput } from "@coffer/core/usage";
import { scoped } from "../trpc";

const admin = scoped("admin");

/**
 * Who the audit trail names: the token id (never the secret), its namespace when tokens have one,
 * and the request id.
 */
function actorOf(ctx: {
  caller: { tokenId: string; namespace?: string };
  request: { requestId: string };
}): AuditActor {
  return { tokenId: ctx.caller.tokenId, namespace: ctx.caller.namespace, requestId: ctx.request.requestId };
}

export const adminTokens = {
  create: admin
    .input(CreateTokenInput)
    .mutation(({ ctx, input }) => ctx.services.tokens.create(input, actorOf(ctx))),
  list: admin.input(ListTokensInput).query(({ ctx, input }) => ctx.services.tokens.list(input)),
  revoke: admin
    .input(RevokeTokenInput)
    .mutation(({ ctx, input }) => ctx.services.tokens.revoke(input, actorOf(ctx))),
};

export const adminKeys = {
  list: admin.query(({ ctx }) => ctx.services.keys.list()),
  rotate: admin
    .input(KeyNameInput)
    .mutation(({ ctx, input }) => ctx.services.keys.rotate(input, actorOf(ctx))),
  disable: admin
    .input(KeyNameInput)
    .mutation(({ ctx, input }) => ctx.services.keys.disable(input, actorOf(ctx))),
  enable: admin
    .input(KeyNameInput)
    .mutation(({ ctx, input }) => ctx.services.keys.enable(input, actorOf(ctx))),
  setMinDecryptionVersion: admin
    .input(SetMinDecryptionVersionInput)
    .mutation(({ ctx, input }) => ctx.services.keys.setMinDecryptionVersion(input, actorOf(ctx))),
  startRewrap: admin
    .input(StartRewrapInput)
    .mutation(({ ctx, input }) => ctx.services.campaigns.start(input, actorOf(ctx))),
  countRecordsBelowVersion: admin
    .input(CountRecordsBelowVersionInput)
    .query(({ ctx, input }) => ctx.services.recordsBelowVersion.countPage(input)),
  campaign: admin.input(CampaignInput).query(({ ctx, input }) => ctx.services.campaigns.status(input)),
  /** Usage per UTC day and version, for the console's chart. */
  usage: admin.input(KeyUsageInput).query(({ ctx, input }) => ctx.services.usageReports.keyUsage(input)),
};

/** Refused requests and bin burns: counts per namespace and reason, and the sampled log. */
export const adminRefusals = {
  list: admin.input(ListRefusalsInput).query(({ ctx, input }) => ctx.services.usageReports.refusals(input)),
};

export const adminAudit = {
  list: admin.input(ListAuditInput).query(({ ctx, input }) => ctx.services.audit.list(input)),
  verify: admin.input(VerifyAuditInput).query(({ ctx, input }) => ctx.services.audit.verify(input)),
};
