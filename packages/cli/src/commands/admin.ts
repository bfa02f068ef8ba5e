import { setTimeout as sleep } from "node:timers/promises";
import { type Command, Option } from "commander";
import type { CofferClient } from "@coffer/client";
import { commaList, durationSeconds, idArgument, instantMs, wholeNumber } from "../arguments";
import { contextOf } from "../context";
import { CliError } from "../exit-codes";
import { isoOf, printJson, printLines, printTable } from "../output";
import { startProgress } from "../progress";

// The admin procedures (an `admin` token): keys and their rewrap campaigns, tokens, audit chains.

const scopeNames = ["encrypt", "decrypt", "datakey", "rewrap", "drop", "admin"];

type Campaign = Awaited<ReturnType<CofferClient["admin"]["keys"]["campaign"]["query"]>>;

function describeCampaign(c: Campaign): string {
  const eta = c.estimatedSecondsLeft === null ? "?" : `${c.estimatedSecondsLeft}s`;
  const rate = c.ratePerSecond === null ? "?" : c.ratePerSecond.toFixed(1);
  return `${c.status}, ${rate}/s, ${eta} left, ${c.failures} failed`;
}

/** Polls a campaign until it completes, drawing a bar; the interval is the only sleep here. */
async function watchCampaign(
  client: CofferClient,
  campaignId: string,
  progressAllowed: boolean,
  intervalMs: number,
) {
  let campaign = await client.admin.keys.campaign.query({ campaignId });
  const progress = startProgress({
    enabled: progressAllowed,
    total: Math.max(campaign.total, 1),
    unit: "records",
    label: `Rewrap ${campaign.keyName} to v${campaign.targetVersion}`,
  });
  try {
    while (campaign.status !== "completed") {
      progress.update(campaign.done, {
        total: Math.max(campaign.total, 1),
        detail: describeCampaign(campaign),
      });
      await sleep(intervalMs);
      campaign = await client.admin.keys.campaign.query({ campaignId });
    }
    progress.update(Math.max(campaign.total, 1), {
      total: Math.max(campaign.total, 1),
      detail: describeCampaign(campaign),
    });
  } finally {
    progress.stop();
  }
  return campaign;
}

function printCampaign(c: Campaign) {
  printLines(
    `Campaign ${c.campaignId}: ${c.keyName} to version ${c.targetVersion}, ${c.status}`,
    `  ${c.done}/${c.total} done (${c.rewrapped} rewrapped, ${c.alreadyCurrent} already current, ${c.gone} gone, ${c.failures} failed)`,
    `  ${describeCampaign(c)}${c.minRaised ? "; minimum decryption version raised" : ""}`,
  );
}

export function registerAdminCommands(program: Command) {
  const admin = program
    .command("admin")
    .description("Administration with an admin token: keys, campaigns, tokens, audit.");

  // ── keys ──
  const keys = admin.command("keys").description("The catalog keys and their lifecycle.");
  keys
    .command("list")
    .description("Each key's state, current and minimum decryption version, and versions.")
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const { keys: list } = await ctx.client().admin.keys.list.query();
      if (ctx.json) return printJson({ keys: list });
      printTable(
        ["KEY", "STATE", "CURRENT", "MIN DECRYPT", "VERSIONS", "CAMPAIGN"],
        list.map((k) => [
          k.keyName,
          k.state,
          k.currentVersion,
          k.minDecryptionVersion,
          k.versions.length,
          k.activeCampaignId,
        ]),
      );
    });
  for (const [name, what] of [
    ["rotate", "Rotate the key: new encryptions use a new version; older ones still decrypt."],
    ["disable", "Disable the key: nothing encrypts or decrypts with it until it is enabled."],
    ["enable", "Enable a disabled key."],
  ] as const) {
    keys
      .command(name)
      .description(what)
      .argument("<key>")
      .action(async (keyName: string, _options: unknown, command: Command) => {
        const ctx = contextOf(command);
        const key = await ctx.client().admin.keys[name].mutate({ keyName });
        if (ctx.json) return printJson(key);
        printLines(
          `${key.keyName}: ${key.state}, current version ${key.currentVersion}, minimum decryption version ${key.minDecryptionVersion}.`,
        );
      });
  }
  keys
    .command("set-min-version")
    .description(
      "Refuse decryption below this version (records under older versions become unreadable: rewrap first).",
    )
    .argument("<key>")
    .argument("<version>", "the minimum decryption version", wholeNumber)
    .action(async (keyName: string, version: number, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const key = await ctx
        .client()
        .admin.keys.setMinDecryptionVersion.mutate({ keyName, minDecryptionVersion: version });
      if (ctx.json) return printJson(key);
      printLines(
        `${key.keyName}: minimum decryption version ${key.minDecryptionVersion} (current ${key.currentVersion}).`,
      );
    });

  // ── campaigns ──
  const campaign = admin
    .command("campaign")
    .description("Rewrap campaigns: move a key's stored records to its current version.");
  const pollOption = () =>
    new Option("--poll-ms <ms>", "how often to ask for progress while watching")
      .argParser(wholeNumber)
      .default(1000);
  campaign
    .command("start")
    .description(
      "Start a rewrap campaign over the key's stored records; --watch follows it with a progress bar.",
    )
    .argument("<key>")
    .option(
      "--raise-min",
      "when it finishes without failures, raise the minimum decryption version to the target",
    )
    .option("-w, --watch", "follow it until it completes")
    .addOption(pollOption())
    .action(
      async (
        keyName: string,
        options: { raiseMin?: boolean; watch?: boolean; pollMs: number },
        command: Command,
      ) => {
        const ctx = contextOf(command);
        const client = ctx.client();
        let c: Campaign = await client.admin.keys.startRewrap.mutate({
          keyName,
          raiseMinOnCompletion: !!options.raiseMin,
        });
        if (options.watch) c = await watchCampaign(client, c.campaignId, ctx.progress, options.pollMs);
        if (ctx.json) return printJson(c);
        printCampaign(c);
        if (!options.watch) printLines(`Follow it: coffer admin campaign watch ${c.campaignId}`);
      },
    );
  campaign
    .command("status")
    .description("A campaign's progress now.")
    .addArgument(idArgument("campaignId", "the campaign's id"))
    .action(async (campaignId: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const c = await ctx.client().admin.keys.campaign.query({ campaignId });
      if (ctx.json) return printJson(c);
      printCampaign(c);
    });
  campaign
    .command("watch")
    .description(
      "Follow a campaign with a live progress bar (done, total, rate, time left, failures) until it completes.",
    )
    .addArgument(idArgument("campaignId", "the campaign's id"))
    .addOption(pollOption())
    .action(async (campaignId: string, options: { pollMs: number }, command: Command) => {
      const ctx = contextOf(command);
      const c = await watchCampaign(ctx.client(), campaignId, ctx.progress, options.pollMs);
      if (ctx.json) return printJson(c);
      printCampaign(c);
    });

  // ── tokens ──
  const tokens = admin
    .command("tokens")
    .description("API tokens: create (the secret is shown once), list, revoke.");
  tokens
    .command("create")
    .description("Create a token. Its secret is printed once, on stdout: store it now.")
    .requiredOption("--name <name>", "what it is for")
    .requiredOption("--scopes <list>", `comma-separated: ${scopeNames.join(", ")}`, commaList)
    .option("--keys <list>", "comma-separated key names it may use (default: all)", commaList)
    .option("--namespace <ns>", 'the tenant whose records it reads and writes (default: "default")')
    .option("--expires-in <duration>", 'it stops working after this long ("12h", "30d")', durationSeconds)
    .action(
      async (
        options: { name: string; scopes: string[]; keys?: string[]; namespace?: string; expiresIn?: number },
        command: Command,
      ) => {
        const ctx = contextOf(command);
        const created = await ctx.client().admin.tokens.create.mutate({
          name: options.name,
          scopes: options.scopes as never,
          ...(options.keys ? { keyNames: options.keys } : {}),
          ...(options.namespace ? { namespace: options.namespace } : {}),
          ...(options.expiresIn ? { expiresAt: Math.floor(Date.now() / 1000) + options.expiresIn } : {}),
        });
        if (ctx.json) return printJson(created);
        printLines(
          created.token,
          "",
          `Token ${created.tokenId} (${created.scopes.join(", ")} in namespace ${created.namespace}, expires ${isoOf(created.expiresAt)}).`,
          "This is the only time the secret is shown: store it now.",
        );
      },
    );
  tokens
    .command("list")
    .description("Tokens (never a secret).")
    .option("--limit <n>", "how many (1-100)", wholeNumber)
    .option("--cursor <cursor>", "the cursor a previous page printed")
    .action(async (options: { limit?: number; cursor?: string }, command: Command) => {
      const ctx = contextOf(command);
      const page = await ctx.client().admin.tokens.list.query({
        ...(options.limit ? { limit: options.limit } : {}),
        ...(options.cursor ? { cursor: options.cursor } : {}),
      });
      if (ctx.json) return printJson(page);
      printTable(
        ["TOKEN", "NAME", "NAMESPACE", "SCOPES", "STATUS", "EXPIRES"],
        page.tokens.map((t) => [
          t.tokenId,
          t.name,
          t.namespace,
          t.scopes.join(","),
          t.status,
          isoOf(t.expiresAt),
        ]),
      );
      if (page.cursor) printLines(`More: --cursor ${page.cursor}`);
    });
  tokens
    .command("revoke")
    .description("Revoke a token: it stops working at once.")
    .addArgument(idArgument("tokenId", "the token's id (not its secret)"))
    .action(async (tokenId: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const token = await ctx.client().admin.tokens.revoke.mutate({ tokenId });
      if (ctx.json) return printJson(token);
      printLines(`Token ${token.tokenId} (${token.name}) is ${token.status}.`);
    });

  // ── audit ──
  const audit = admin.command("audit").description('Audit chains: "tokens", or "key:<name>".');
  audit
    .command("list")
    .description("A chain's events, newest first.")
    .argument("<chain>", '"tokens" or "key:<name>"')
    .option("--from <time>", "ISO 8601 or epoch ms", instantMs)
    .option("--to <time>", "ISO 8601 or epoch ms", instantMs)
    .option("--limit <n>", "how many (1-100)", wholeNumber)
    .option("--cursor <cursor>", "the cursor a previous page printed")
    .action(
      async (
        chain: string,
        options: { from?: number; to?: number; limit?: number; cursor?: string },
        command: Command,
      ) => {
        const ctx = contextOf(command);
        const page = await ctx.client().admin.audit.list.query({
          chain,
          ...(options.from !== undefined ? { fromAt: options.from } : {}),
          ...(options.to !== undefined ? { toAt: options.to } : {}),
          ...(options.limit ? { limit: options.limit } : {}),
          ...(options.cursor ? { cursor: options.cursor } : {}),
        });
        if (ctx.json) return printJson(page);
        printTable(
          ["SEQ", "TIME", "ACTOR", "NAMESPACE", "ACTION", "TARGET", "REQUEST"],
          page.events.map((e) => [
            e.seq,
            new Date(e.at).toISOString(),
            e.actorTokenId,
            e.namespace,
            e.action,
            e.subject,
            e.requestId,
          ]),
        );
        if (page.cursor) printLines(`More: --cursor ${page.cursor}`);
      },
    );
  audit
    .command("verify")
    .description("Walk a chain and report the first broken link; exits 5 when it is broken.")
    .argument("<chain>", '"tokens" or "key:<name>"')
    .action(async (chain: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const result = await ctx.client().admin.audit.verify.query({ chain });
      if (ctx.json) printJson(result);
      else if (result.ok)
        printLines(`Chain ${chain} is intact: ${result.events} events, head ${result.headSeq}.`);
      else
        printLines(
          `Chain ${chain} is BROKEN at event ${result.brokenAt} (${result.because}): ${result.detail}.`,
        );
      if (!result.ok) throw new CliError("refused", "", "audit_chain_broken");
    });
}
