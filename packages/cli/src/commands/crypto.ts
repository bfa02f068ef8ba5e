import { randomBytes } from "node:crypto";
import type { Command } from "commander";
import { limits, seal } from "@coffer/client";
import { collectContext } from "../arguments";
import { contextOf } from "../context";
import { CliError } from "../exit-codes";
import { openInput, openOutput, type Output, readWhole, refuseBinaryToTerminal } from "../io";
import { printJson, printLines } from "../output";
import { startProgress } from "../progress";
import {
  CHUNK_BYTES,
  chunkPlaintext,
  chunksOf,
  exactReader,
  frameHeader,
  openChunk,
  readFrame,
  readStreamHeader,
  STREAM_ID_BYTES,
  streamHeader,
} from "../stream-format";

interface StreamOptions {
  key: string;
  context?: Record<string, string>;
  in?: string;
  out?: string;
}

/** --json describes the result on stdout, so the data itself must go to a file. */
function jsonNeedsOut(json: boolean, out: string | undefined) {
  if (json && (!out || out === "-"))
    throw new CliError("usage", "With --json the summary goes to stdout: write the data with --out <file>.");
}

/** Runs `work` and keeps a file output only if it succeeded. */
async function writing<T>(output: Output, work: () => Promise<T>): Promise<T> {
  try {
    const result = await work();
    await output.commit();
    return result;
  } catch (error) {
    output.abort();
    throw error;
  }
}

export function registerCryptoCommands(program: Command) {
  program
    .command("encrypt")
    .description(
      "Encrypt stdin (or --in) with a Coffer key. Any size: it is sent in 1 MiB chunks and written as a CFS1 stream (docs/cli.md) to stdout (or --out).",
    )
    .option("-k, --key <name>", "the catalog key to encrypt under", "default")
    .option(
      "-c, --context <key=value>",
      "an encryption context entry; repeat for more (decrypt needs the same)",
      collectContext,
    )
    .option("-i, --in <file>", "read this file instead of stdin")
    .option("-o, --out <file>", "write this file (mode 0600) instead of stdout")
    .action(async (options: StreamOptions, command: Command) => {
      const ctx = contextOf(command);
      jsonNeedsOut(ctx.json, options.out);
      refuseBinaryToTerminal(options.out, "The encrypted stream");
      const client = ctx.client();
      const input = openInput(options.in);
      const output = openOutput(options.out);
      const progress = startProgress({
        enabled: ctx.progress && (input.sizeBytes ?? 0) > CHUNK_BYTES,
        total: input.sizeBytes ?? 0,
        unit: "bytes",
        label: "Encrypting",
      });
      const streamId = randomBytes(STREAM_ID_BYTES);
      const summary = await writing(output, async () => {
        let index = 0;
        let plaintextBytes = 0;
        let outputBytes = STREAM_ID_BYTES + 4;
        await output.write(streamHeader(streamId));
        for await (const chunk of chunksOf(input.stream, CHUNK_BYTES)) {
          const { envelope } = await client.crypto.encrypt.mutate({
            keyName: options.key,
            plaintext: chunkPlaintext(streamId, index, chunk.final, chunk.data).toString("base64url"),
            ...(options.context ? { context: options.context } : {}),
          });
          const bytes = Buffer.from(envelope, "base64url");
          await output.write(frameHeader(bytes.length));
          await output.write(bytes);
          index += 1;
          plaintextBytes += chunk.data.length;
          outputBytes += 4 + bytes.length;
          progress.update(plaintextBytes);
        }
        return { keyName: options.key, chunks: index, plaintextBytes, outputBytes };
      }).finally(() => progress.stop());
      if (ctx.json) printJson(summary);
    });

  program
    .command("decrypt")
    .description("Decrypt a CFS1 stream made by `coffer encrypt`, from stdin (or --in) to stdout (or --out).")
    .option(
      "-c, --context <key=value>",
      "the encryption context it was made with; repeat for more",
      collectContext,
    )
    .option("-i, --in <file>", "read this file instead of stdin")
    .option(
      "-o, --out <file>",
      "write this file (mode 0600) instead of stdout; it appears only when all is verified",
    )
    .action(async (options: Omit<StreamOptions, "key">, command: Command) => {
      const ctx = contextOf(command);
      jsonNeedsOut(ctx.json, options.out);
      const client = ctx.client();
      const input = openInput(options.in);
      const output = openOutput(options.out);
      const progress = startProgress({
        enabled: ctx.progress && (input.sizeBytes ?? 0) > CHUNK_BYTES,
        total: input.sizeBytes ?? 0,
        unit: "bytes",
        label: "Decrypting",
      });
      const summary = await writing(output, async () => {
        const reader = exactReader(input.stream);
        const streamId = await readStreamHeader(reader);
        let index = 0;
        let final = false;
        let plaintextBytes = 0;
        let inputBytes = STREAM_ID_BYTES + 4;
        for (let envelope = await readFrame(reader); envelope; envelope = await readFrame(reader)) {
          if (final)
            throw new CliError(
              "refused",
              "The encrypted input goes on after its last chunk: it was tampered with.",
              "stream_damaged",
            );
          const { plaintext } = await client.crypto.decrypt.mutate({
            envelope: envelope.toString("base64url"),
            ...(options.context ? { context: options.context } : {}),
          });
          const chunk = openChunk(Buffer.from(plaintext, "base64url"), streamId, index);
          await output.write(chunk.data);
          final = chunk.final;
          index += 1;
          plaintextBytes += chunk.data.length;
          inputBytes += 4 + envelope.length;
          progress.update(inputBytes);
        }
        if (!final)
          throw new CliError(
            "refused",
            "The encrypted input is truncated: its last chunk is missing. What was written so far is incomplete.",
            "stream_truncated",
          );
        return { chunks: index, plaintextBytes };
      }).finally(() => progress.stop());
      if (ctx.json) printJson(summary);
    });

  program
    .command("seal")
    .description(
      "Seal stdin (or --in) to the service's public key (docs/sealed.md): only Coffer can open it. Prints the sealed payload (base64url), or stores it as a record with --store.",
    )
    .option("-i, --in <file>", "read this file instead of stdin")
    .option(
      "--store <key>",
      "store it as a record of your namespace under this key (records.putSealed) and print the record id",
    )
    .option(
      "-c, --context <key=value>",
      "with --store: an encryption context entry; repeat for more",
      collectContext,
    )
    .action(
      async (
        options: { in?: string; store?: string; context?: Record<string, string> },
        command: Command,
      ) => {
        const ctx = contextOf(command);
        if (options.context && !options.store) throw new CliError("usage", "--context goes with --store.");
        // Checked first, so a missing token fails before the input is read.
        const client = options.store ? ctx.client() : ctx.publicClient();
        const plaintext = await readWhole(
          openInput(options.in),
          limits.maxSealedPlaintextBytes,
          "input to seal",
        );
        const sealed = await seal(await client.keys.publicKey.query(), plaintext);
        if (!options.store) {
          if (ctx.json) printJson({ sealed });
          else printLines(sealed);
          return;
        }
        const stored = await client.records.putSealed.mutate({
          keyName: options.store,
          sealed,
          ...(options.context ? { context: options.context } : {}),
        });
        if (ctx.json) printJson(stored);
        else printLines(stored.recordId);
      },
    );
}
