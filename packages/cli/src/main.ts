import { CommanderError } from "commander";
import { createProgram } from "./program";
import { describeFailure, exitCodes } from "./exit-codes";

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
