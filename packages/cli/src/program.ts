import { Command } from "commander";
import { registerAdminCommands } from "./commands/admin";
import { registerBinCommands } from "./commands/bins";
import { registerCryptoCommands } from "./commands/crypto";
import { registerLoginCommand } from "./commands/login";
import { registerRecordCommands } from "./commands/records";
import { exitCodeTable } from "./exit-codes";

const configurationHelp = `Configuration:
  COFFER_URL      the API's URL (or --url)
  COFFER_TOKEN    the API token (never a flag: flags show in ps and shell history)
  COFFER_WEB_URL  the web app's origin for bin links (default: the API URL)
  or a profile:   \`coffer login --url <url>\` reads the token from stdin and writes
                  ~/.config/coffer/profiles.json (COFFER_PROFILE_FILE), which must be mode 0600;
                  --profile <name> (COFFER_PROFILE) picks one, and then wins over the environment.

Ids (records, tokens, campaigns) that start with "-" are read as options: put "--" before them,
  coffer records get -- -Xy3…   (ids minted now never start with "-"; older ones may)`;

/** The whole command tree. Every command has --help; errors become exit codes in main. */
export function createProgram(): Command {
  const program = new Command("coffer")
    .description("Coffer from the command line: encryption, records, secure bins, administration.")
    .option("--url <url>", "Coffer's API URL (default: COFFER_URL or the profile)")
    .option("--profile <name>", "the profile to use from the profile file")
    .option("--json", "print machine-readable JSON (errors too, on stderr)")
    .option("--no-progress", "never draw a progress bar")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .addHelpText("after", `\n${configurationHelp}\n\n${exitCodeTable}\n`);
  registerCryptoCommands(program);
  registerRecordCommands(program);
  registerBinCommands(program);
  registerAdminCommands(program);
  registerLoginCommand(program);
  return program;
}
