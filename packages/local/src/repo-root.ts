import { fileURLToPath } from "node:url";

/** The repository root: route-table handler paths and packages/web are relative to it. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
