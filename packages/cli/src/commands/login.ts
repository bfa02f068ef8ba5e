import { chmodSync, mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import { type Profile, profileFileOf, readProfile } from "../config";
import { CliError } from "../exit-codes";
import { promptSecret, readWhole, openInput } from "../io";
import { printJson, printLines } from "../output";

// Saves a profile: the URL from --url, the token from stdin (a pipe) or a prompt, never a flag.

export function registerLoginCommand(program: Command) {
  program
    .command("login")
    .description(
      'Save Coffer\'s URL and a token as a profile (default "default") in the profile file, mode 0600. The token is read from stdin or a prompt.',
    )
    .option("--web-url <url>", "the web app's origin, for bin links (default: the API URL)")
    .action(async (options: { webUrl?: string }, command: Command) => {
      const globals = command.optsWithGlobals<{ url?: string; profile?: string; json?: boolean }>();
      const url = globals.url ?? process.env.COFFER_URL;
      if (!url) throw new CliError("usage", "Give Coffer's URL: coffer login --url https://…");
      const token = process.stdin.isTTY
        ? await promptSecret("Token: ")
        : (await readWhole(openInput(undefined), 4096, "token")).toString("utf8").trim();
      if (!token) throw new CliError("usage", "No token was given on stdin.");
      const path = profileFileOf(process.env);
      const name = globals.profile ?? process.env.COFFER_PROFILE ?? "default";
      // An unsafe existing file is refused here too: its tokens may already have been read by others.
      const profiles: Record<string, Profile> = existsSync(path)
        ? (readProfile(path, name, false), JSON.parse(readFileSync(path, "utf8")))
        : {};
      profiles[name] = { url, token, ...(options.webUrl ? { webUrl: options.webUrl } : {}) };
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, `${JSON.stringify(profiles, null, 2)}\n`, { mode: 0o600 });
      chmodSync(path, 0o600);
      if (globals.json) printJson({ profile: name, file: path, url });
      else printLines(`Saved profile "${name}" in ${path} (mode 0600).`);
    });
}
