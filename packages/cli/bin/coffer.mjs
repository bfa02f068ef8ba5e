#!/usr/bin/env node
// The `coffer` command. The workspace's packages are TypeScript sources (as every Coffer package
// is run in this repository), so tsx compiles them on the fly; its cache keeps later starts quick.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv);
