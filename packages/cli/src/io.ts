import { createReadStream, createWriteStream, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { once } from "node:events";
import type { Readable, Writable } from "node:stream";
import { CliError } from "./exit-codes";

// Where data comes from and goes to: --in/--out files or stdin/stdout ("-" means the standard
// stream too). Secrets the CLI asks for (passphrases, a token for `login`) come from a file, from
// stdin, or from a prompt that does not echo: never from a flag, where `ps` and history keep them.

export interface Input {
  stream: Readable;
  /** Known for files (for the progress bar and limits), unknown for pipes. */
  sizeBytes: number | undefined;
  name: string | undefined;
}

export function openInput(path: string | undefined): Input {
  if (!path || path === "-") return { stream: process.stdin, sizeBytes: undefined, name: undefined };
  const stats = statSync(path);
  if (!stats.isFile()) throw new CliError("usage", `${path} is not a file.`);
  return { stream: createReadStream(path), sizeBytes: stats.size, name: basename(path) };
}

/** The whole input, refusing it before reading on when it is larger than `maxBytes`. */
export async function readWhole(input: Input, maxBytes: number, what: string): Promise<Buffer> {
  const tooBig = () =>
    new CliError(
      "usage",
      `The ${what} is larger than ${maxBytes} bytes, the most Coffer takes here.`,
      "input_too_large",
    );
  if (input.sizeBytes !== undefined && input.sizeBytes > maxBytes) throw tooBig();
  const parts: Buffer[] = [];
  let total = 0;
  for await (const piece of input.stream) {
    total += (piece as Buffer).length;
    if (total > maxBytes) {
      input.stream.destroy();
      throw tooBig();
    }
    parts.push(piece as Buffer);
  }
  return Buffer.concat(parts);
}

export interface Output {
  write(bytes: Uint8Array): Promise<void>;
  /** Makes a file output visible under its name; a failed command leaves no partial file behind. */
  commit(): Promise<void>;
  abort(): void;
}

export function openOutput(path: string | undefined): Output {
  if (!path || path === "-")
    return streamOutput(
      process.stdout,
      async () => {},
      () => {},
    );
  // Written beside the target, readable by its owner alone (it may be plaintext), renamed at the end.
  const partial = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.partial`);
  const file = createWriteStream(partial, { mode: 0o600, flags: "wx" });
  return streamOutput(
    file,
    async () => {
      file.end();
      await once(file, "close");
      renameSync(partial, path);
    },
    () => {
      file.destroy();
      rmSync(partial, { force: true });
    },
  );
}

function streamOutput(stream: Writable, finish: () => Promise<void>, abort: () => void): Output {
  return {
    async write(bytes) {
      if (!stream.write(bytes)) await once(stream, "drain");
    },
    commit: finish,
    abort,
  };
}

/** Refuses to print binary data into a terminal, where it would garble the screen. */
export function refuseBinaryToTerminal(outPath: string | undefined, what: string) {
  if ((!outPath || outPath === "-") && process.stdout.isTTY)
    throw new CliError("usage", `${what} is binary: redirect it (> file) or pass --out <file>.`);
}

/** A secret from a file, without its trailing newline (as `echo secret > file` leaves one). */
export function readSecretFile(path: string): string {
  return readFileSync(path === "-" ? 0 : path, "utf8").replace(/\r?\n$/, "");
}

/** Asks for a secret on the terminal without echoing it. */
export async function promptSecret(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY)
    throw new CliError(
      "usage",
      `${question.replace(/:\s*$/, "")} is needed: pass it with a --*-file option.`,
    );
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  input.setEncoding("utf8");
  let typed = "";
  try {
    for await (const key of input as AsyncIterable<string>) {
      for (const char of key) {
        if (char === "\r" || char === "\n") return typed;
        if (char === "\u0003") throw new CliError("usage", "Cancelled.");
        if (char === "\u007f" || char === "\b") typed = typed.slice(0, -1);
        else typed += char;
      }
    }
    return typed;
  } finally {
    input.setRawMode(false);
    input.pause();
    process.stderr.write("\n");
  }
}
