import type { Command } from "commander";
import { limits } from "@coffer/client";
import { collectContext, durationSeconds, idArgument, wholeNumber } from "../arguments";
import { contextOf } from "../context";
import { openInput, openOutput, readWhole } from "../io";
import { isoOf, printJson, printLines, printTable } from "../output";

// Stored records of the token's namespace (records.*): up to 256 KiB each.

export function registerRecordCommands(program: Command) {
  const records = program
    .command("records")
    .description("Encrypted records stored by Coffer in your token's namespace.");

  records
    .command("put")
    .description(
      `Encrypt stdin (or --in, at most ${limits.maxRecordPlaintextBytes / 1024} KiB) and store it; prints the record id.`,
    )
    .option("-k, --key <name>", "the catalog key to encrypt under", "default")
    .option("-c, --context <key=value>", "an encryption context entry; repeat for more", collectContext)
    .option("-i, --in <file>", "read this file instead of stdin")
    .option("--expires-in <duration>", 'delete it after this long ("30m", "12h", "7d")', durationSeconds)
    .option(
      "--idempotency-key <key>",
      "a retried put with the same key stores nothing and returns the first id",
    )
    .action(
      async (
        options: {
          key: string;
          context?: Record<string, string>;
          in?: string;
          expiresIn?: number;
          idempotencyKey?: string;
        },
        command: Command,
      ) => {
        const ctx = contextOf(command);
        const client = ctx.client();
        const plaintext = await readWhole(openInput(options.in), limits.maxRecordPlaintextBytes, "record");
        const stored = await client.records.put.mutate({
          keyName: options.key,
          plaintext: plaintext.toString("base64url"),
          ...(options.context ? { context: options.context } : {}),
          ...(options.expiresIn ? { expiresAt: Math.floor(Date.now() / 1000) + options.expiresIn } : {}),
          ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
        });
        if (ctx.json) printJson(stored);
        else printLines(stored.recordId);
      },
    );

  records
    .command("get")
    .description(
      "Decrypt a record to stdout (or --out). With --json: its metadata and the plaintext in base64url.",
    )
    .addArgument(idArgument("recordId", "the record's id"))
    .option("-o, --out <file>", "write this file (mode 0600) instead of stdout")
    .action(async (recordId: string, options: { out?: string }, command: Command) => {
      const ctx = contextOf(command);
      const record = await ctx.client().records.get.query({ recordId });
      if (ctx.json && !options.out) return printJson(record);
      const output = openOutput(options.out);
      await output.write(Buffer.from(record.plaintext, "base64url"));
      await output.commit();
      if (ctx.json) printJson({ ...record, plaintext: undefined, savedTo: options.out });
    });

  records
    .command("list")
    .description("The namespace's records (ids, key, size, dates; never contents), newest first.")
    .option("--limit <n>", "how many (1-100)", wholeNumber)
    .option("--cursor <cursor>", "the cursor a previous page printed")
    .action(async (options: { limit?: number; cursor?: string }, command: Command) => {
      const ctx = contextOf(command);
      const page = await ctx.client().records.list.query({
        ...(options.limit ? { limit: options.limit } : {}),
        ...(options.cursor ? { cursor: options.cursor } : {}),
      });
      if (ctx.json) return printJson(page);
      printTable(
        ["RECORD", "KEY", "BYTES", "CREATED", "EXPIRES"],
        page.records.map((r) => [r.recordId, r.keyName, r.sizeBytes, isoOf(r.createdAt), isoOf(r.expiresAt)]),
      );
      if (page.cursor) printLines(`More: --cursor ${page.cursor}`);
    });

  records
    .command("delete")
    .description("Delete a record.")
    .addArgument(idArgument("recordId", "the record's id"))
    .action(async (recordId: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const deleted = await ctx.client().records.delete.mutate({ recordId });
      if (ctx.json) printJson(deleted);
      else printLines(`Deleted ${deleted.recordId}.`);
    });
}
