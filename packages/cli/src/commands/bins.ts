import type { Command } from "commander";
import { type BinPayload, fromBase64url, parseShareLink } from "@coffer/sealing/bins";
import { createBin, limits, revealBin } from "@coffer/client";
import { durationSeconds, wholeNumber } from "../arguments";
import { contextOf } from "../context";
import { CliError } from "../exit-codes";
import { openInput, openOutput, promptSecret, readSecretFile, readWhole } from "../io";
import { isoOf, printJson, printLines } from "../output";

// Secure bins from the terminal, with the web app's own crypto (@coffer/sealing, and the wire
// fields and transfers of @coffer/client): the KMS key and this process's secret are combined here,
// and only ciphertext and proof hashes reach the server. The links open in the web app as well.

/** Room for the payload's header and GCM's tag inside the object limit (as the web app keeps). */
const maxContentBytes = limits.maxBinObjectBytes - 16 - 1024;

async function passphraseFrom(
  options: { passphraseFile?: string; askPassphrase?: boolean },
  question: string,
) {
  if (options.passphraseFile) return readSecretFile(options.passphraseFile);
  if (options.askPassphrase) return promptSecret(question);
  return undefined;
}

export function registerBinCommands(program: Command) {
  const bin = program
    .command("bin")
    .description(
      "Secure bins: one-time secrets shared by link, encrypted here, readable in the web app too.",
    );

  bin
    .command("create")
    .description(
      "Share stdin as a text, or --file as a file; prints the share link (for the reader) and the manage link (keep it).",
    )
    .option(
      "-f, --file <path>",
      "share this file (its name goes along, encrypted) instead of text from stdin",
    )
    .option("--expires-in <duration>", '"5m" to "30d"', durationSeconds, limits.defaultBinExpirySeconds)
    .option(
      "--reads <n>",
      `how many reveals (1-${limits.maxBinReads}); 1 burns it after reading`,
      wholeNumber,
      1,
    )
    .option("--passphrase-file <path>", 'add a passphrase read from this file ("-" for stdin with --file)')
    .option("--ask-passphrase", "add a passphrase typed at a prompt")
    .action(
      async (
        options: {
          file?: string;
          expiresIn: number;
          reads: number;
          passphraseFile?: string;
          askPassphrase?: boolean;
        },
        command: Command,
      ) => {
        const ctx = contextOf(command);
        if (options.passphraseFile === "-" && !options.file)
          throw new CliError(
            "usage",
            "stdin carries the text: give the passphrase in a file, or use --file.",
          );
        const client = ctx.publicClient();
        const input = openInput(options.file);
        const bytes = await readWhole(input, maxContentBytes, options.file ? "file" : "text");
        if (!options.file && bytes.length === 0)
          throw new CliError("usage", "Nothing to share: stdin was empty.");
        const payload: BinPayload = options.file
          ? { kind: "file", name: input.name ?? "file", type: "application/octet-stream", bytes }
          : { kind: "text", text: bytes.toString("utf8") };
        const passphrase = await passphraseFrom(options, "Passphrase for the secret: ");

        const created = await createBin(client, {
          payload,
          passphrase,
          expiresInSeconds: options.expiresIn,
          maxReads: options.reads,
          origin: ctx.config().webUrl(),
        });
        const result = { ...created, maxReads: options.reads };
        if (ctx.json) return printJson(result);
        printLines(
          `Share link:  ${result.share}`,
          `Manage link: ${result.manage}`,
          `Expires ${isoOf(result.expiresAt)}; ${result.maxReads === 1 ? "burns after one reveal" : `${result.maxReads} reveals`}. Keep the manage link to yourself.`,
        );
      },
    );

  bin
    .command("reveal")
    .description(
      'Reveal a secret from its share link (given, or read from stdin when omitted or "-"); this spends one read. A text goes to stdout, a file to --out (or stdout).',
    )
    .argument("[link]", "the share link; leave out to read it from stdin, out of sight of ps and history")
    .option("-o, --out <file>", "write the content to this file (mode 0600)")
    .option("--passphrase-file <path>", "the passphrase, from this file")
    .option("--ask-passphrase", "type the passphrase at a prompt (asked anyway on a terminal when needed)")
    .action(
      async (
        link: string | undefined,
        options: { out?: string; passphraseFile?: string; askPassphrase?: boolean },
        command: Command,
      ) => {
        const ctx = contextOf(command);
        const text =
          !link || link === "-"
            ? (await readWhole(openInput(undefined), 4096, "link")).toString("utf8")
            : link;
        const parsed = parseShareLink(text);
        if (!parsed)
          throw new CliError(
            "usage",
            "That is not a whole share link (…/b/<id>#<key>.<secret>): copy it exactly as received.",
            "link_damaged",
          );
        const { binId, secrets } = parsed;
        const client = ctx.publicClient();
        const meta = await client.bins.get.query({ binId });
        if (!meta.exists)
          throw new CliError(
            "notFound",
            "This secret is gone: it has been revealed as many times as allowed, it expired, or it was deleted.",
            "bin_gone",
          );
        let passphrase: string | undefined;
        if (meta.needsPassphrase) {
          passphrase =
            (await passphraseFrom(options, "Passphrase (the sender told you): ")) ??
            (process.stdin.isTTY ? await promptSecret("Passphrase (the sender told you): ") : undefined);
          if (passphrase === undefined)
            throw new CliError(
              "usage",
              "This secret needs a passphrase: pass --passphrase-file <path> or --ask-passphrase.",
            );
        }
        const { payload, readsLeft } = await revealBin(client, {
          binId,
          secrets,
          passphrase,
          passphraseSalt: meta.passphraseSalt ? fromBase64url(meta.passphraseSalt) : undefined,
        });
        const content =
          payload.kind === "text" ? Buffer.from(payload.text, "utf8") : Buffer.from(payload.bytes);
        const about =
          payload.kind === "text"
            ? { kind: "text" as const }
            : {
                kind: "file" as const,
                name: payload.name,
                type: payload.type,
                sizeBytes: payload.bytes.length,
              };
        if (ctx.json && !options.out) {
          return printJson({
            binId,
            ...about,
            ...(payload.kind === "text"
              ? { text: payload.text }
              : { content: content.toString("base64url") }),
            readsLeft: readsLeft,
          });
        }
        const output = openOutput(options.out);
        await output.write(content);
        await output.commit();
        if (ctx.json) printJson({ binId, ...about, savedTo: options.out, readsLeft: readsLeft });
        else if (options.out || payload.kind === "file")
          process.stderr.write(
            `${payload.kind === "file" ? `File "${payload.name}"` : "Text"} saved${options.out ? ` to ${options.out}` : ""}; ${readsLeft} reveal${readsLeft === 1 ? "" : "s"} left.\n`,
          );
      },
    );
}
