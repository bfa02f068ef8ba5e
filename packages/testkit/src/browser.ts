import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { repoRoot } from "./repo-root";

// Debian's Chromium, never a downloaded one. The flags keep it off the network, which this machine
// does not have anyway (and which it would otherwise keep retrying).
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
      // A second page of the same site in a context shares the first one's renderer process
      // instead of starting its own (about a second of CPU each here); contexts stay apart.
      "--process-per-site",
    ],
  });
}

/** Where a browser test saves its screenshots: test-results/<name>/. */
export function screenshotDir(testName: string): string {
  const dir = join(repoRoot, "test-results", testName.replace(/[^\w.-]+/g, "-"));
  mkdirSync(dir, { recursive: true });
  return dir;
}
