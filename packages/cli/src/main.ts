import { CommanderError } from "commander";
import { createProgram } from "./program";
import { describeFailure, exitCodes } from "./exit-codes";

/** A 22-character base64url id that starts with "-" (ids/index.ts in core: older ids may). */
const looksLikeId = (arg: string) => /^-[\w-]{21}$/.test(arg);
const idHint = 'coffer: an id that starts with "-" goes after "--", e.g. coffer records get -- -Xy3…\n';

/** Runs one command line and returns its exit code (exit-codes.ts). */
export async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  const json = argv.includes("--json");
  try {
    await program.parseAsync(argv);
    return exitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message (or the help) already.
      if (error.code === "commander.unknownOption" && argv.some(looksLikeId)) process.stderr.write(idHint);
      return error.code === "commander.helpDisplayed" || error.code === "commander.version"
        ? exitCodes.ok
        : exitCodes.usage;
    }
    const failure = describeFailure(error);
    const exitCode = exitCodes[failure.exitClass];
    if (json)
      process.stderr.write(
        `${JSON.stringify({ error: { exitCode, class: failure.exitClass, ...failure, exitClass: undefined } })}\n`,
      );
    else if (failure.message) process.stderr.write(`coffer: ${failure.message}\n`);
    return exitCode;
  }
}
