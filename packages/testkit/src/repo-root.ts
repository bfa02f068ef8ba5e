import { fileURLToPath } from "node:url";

/** The repository's root folder, where test output (test-results/) and docs/ live. */
export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
