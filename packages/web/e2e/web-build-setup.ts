import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { buildWebSite } from "./web-site";

declare module "vitest" {
  export interface ProvidedContext {
    webBuild: string;
  }
}

// The e2e project's browser tests serve the production build of packages/web (web-site.ts). It is
// built once per run, here, into a fresh folder (a few seconds), rather than once per test file;
// the test files read its path with inject("webBuild").
export default async function setup(project: TestProject) {
  const dist = await mkdtemp(join(tmpdir(), "coffer-web-build-"));
  try {
    await buildWebSite(dist);
  } catch (error) {
    await rm(dist, { recursive: true, force: true });
    throw error;
  }
  project.provide("webBuild", dist);
  return () => rm(dist, { recursive: true, force: true });
}
