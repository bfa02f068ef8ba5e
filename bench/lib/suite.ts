// What a suite is: an async function that returns named figures. To add one, write
// bench/suites/<name>.ts exporting a Suite and list it in bench/run.ts.
import type { EmulatedKms } from "@coffer/testkit/emulated-kms";

export interface Figure {
  /** Dotted and stable, e.g. "crypto.encrypt.1MiB.vs_raw"; the key in summary.json. */
  name: string;
  value: number;
  /** "ratio" (>1 means Coffer is faster), "ops/s", "MB/s", "calls", "bytes", "ms". */
  unit: string;
  /** The target from DESIGN §8 / the issue, if this figure has one. */
  target?: { atLeast?: number; atMost?: number };
}

export interface Settings {
  quick: boolean;
  /** Interleaved repetitions per comparison. */
  repetitions: number;
  /** How long each variant runs per repetition. */
  sliceMs: number;
  /** How long each variant runs before the first repetition. */
  warmupMs: number;
}

export interface SuiteContext {
  settings: Settings;
  /** One KMS emulator (with the catalog's keys) shared by the suites, started on first use. */
  kms(): Promise<EmulatedKms>;
  /** Progress for the person watching; goes to stderr so stdout stays the table. */
  log(message: string): void;
}

export interface Suite {
  name: string;
  run(context: SuiteContext): Promise<Figure[]>;
}
