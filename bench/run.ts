// npm run bench [-- --quick] [-- --only <suite name substring>]
// Runs the suites in order, prints one table and writes bench/results/summary.json (a flat object
// of named figures). Ratios are medians of ratios paired within each interleaved repetition.
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { EmulatedKms } from "@coffer/testkit/emulated-kms";
import { startEmulatedKms } from "@coffer/testkit/emulated-kms";
import { formatTable, verdict, writeSummary } from "./lib/report";
import type { Figure, Settings, Suite, SuiteContext } from "./lib/suite";
import { campaignThroughput } from "./suites/campaign";
import { cryptoVsEsdk } from "./suites/crypto-vs-esdk";
import { cryptoVsRaw } from "./suites/crypto-vs-raw";
import { httpEncrypt } from "./suites/http";
import { kmsCalls } from "./suites/kms-calls";
import { lambdaBundles } from "./suites/lambda-bundles";
import { localMode } from "./suites/local-mode";
import { soak } from "./suites/soak";

/** Add a suite here. */
const suites: Suite[] = [
  cryptoVsRaw,
  cryptoVsEsdk,
  kmsCalls,
  localMode,
  httpEncrypt,
  lambdaBundles,
  campaignThroughput,
  soak,
];

const QUICK: Settings = { quick: true, repetitions: 9, sliceMs: 60, warmupMs: 300 };
const FULL: Settings = { quick: false, repetitions: 21, sliceMs: 200, warmupMs: 1_500 };

// Node 20 here, 22 in Lambda: the SDK's notice that Node 20 support ends is known and only noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

async function main() {
  const { values } = parseArgs({
    options: { quick: { type: "boolean", default: false }, only: { type: "string" } },
  });
  const settings = values.quick ? QUICK : FULL;
  const started = Date.now();
  let emulated: Promise<EmulatedKms> | undefined;
  const context: SuiteContext = {
    settings,
    // Retries as in production: a kept-alive socket that the server closed while idle is reset once.
    kms: () => (emulated ??= startEmulatedKms({ maxAttempts: 3 })),
    log: (message) =>
      process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}\n`),
  };

  const figures: Figure[] = [];
  try {
    for (const suite of suites.filter((s) => !values.only || s.name.includes(values.only))) {
      context.log(`suite: ${suite.name}`);
      figures.push(...(await suite.run(context)));
    }
  } finally {
    await (await emulated)?.close();
  }

  const summaryPath = fileURLToPath(new URL("./results/summary.json", import.meta.url));
  writeSummary(summaryPath, figures);
  console.log(formatTable(figures));
  const missed = figures.filter((figure) => verdict(figure) === "MISSED").map((figure) => figure.name);
  console.log(
    `\n${settings.quick ? "quick" : "full"} run, ${((Date.now() - started) / 1000).toFixed(0)} s, Node ${process.version}; ` +
      `ratios > 1 mean Coffer is faster. Wrote ${summaryPath}.` +
      (missed.length ? `\nMissed targets: ${missed.join(", ")}` : "\nAll targets met."),
  );
}

await main();
