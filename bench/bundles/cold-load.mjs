// Run in a fresh node process (plain JavaScript, no loader): imports one bundle and prints how long
// the import took, in milliseconds.
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const started = performance.now();
await import(pathToFileURL(process.argv[2]).href);
process.stdout.write(String(performance.now() - started));
