import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { expect, test } from "vitest";
import { binObjectKey, createS3BinObjects, createS3Client } from "@coffer/core/bin-objects";
import {
  stack,
  browser,
  api,
  seen,
  newPage,
  shooter,
  createInBrowser,
  testNoSecretReachedTheServer,
  useBinPages,
} from "./bins-kit";

// Secure bins in Debian's Chromium: files, small ones through the API and large ones through object storage.

useBinPages();

test(
  "a file comes back as the exact bytes, through a download of type octet-stream",
  { timeout: 120_000 },
  async () => {
    let page!: Page;
    const shot = shooter("bins-file", () => page);
    const bytes = Buffer.concat([Buffer.from("<html><script>alert(1)</script>"), randomBytes(50_000)]);
    const { share } = await createInBrowser(
      { file: { name: "page.html", mimeType: "text/html", buffer: bytes } },
      shot,
      (p) => (page = p),
    );

    const reader = await browser.newContext();
    page = await newPage(reader);
    await page.goto(share);
    await page.getByTestId("bin-facts").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("bin-facts").textContent()).toContain("a file");
    await shot("opened");
    await page.getByTestId("reveal").click();
    await page.getByTestId("download-file").waitFor();
    expect(await page.getByTestId("revealed-file").textContent()).toContain("page.html");
    // Never rendered as the sender's type: the link is a download of a blob typed octet-stream.
    expect(await page.getByTestId("download-file").getAttribute("download")).toBe("page.html");
    // A blob: URL (its type, application/octet-stream, is set in revealed-content.tsx), never a page.
    expect(await page.getByTestId("download-file").getAttribute("href")).toMatch(/^blob:/);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("download-file").click(),
    ]);
    expect(download.suggestedFilename()).toBe("page.html");
    expect(Buffer.from(await readFile((await download.path())!)).equals(bytes)).toBe(true);
    await shot("revealed-file");

    await page.goto(share);
    await page.getByTestId("bin-gone").waitFor({ timeout: 20_000 });
    await shot("reopened-gone");
    await reader.close();
  },
);

test(
  "a 25 MiB file goes through object storage and back byte for byte; the burn deletes the object",
  { timeout: 420_000 },
  async () => {
    let page!: Page;
    const shot = shooter("bins-large-file", () => page);
    const bytes = randomBytes(25 * 1024 * 1024);
    const objects = createS3BinObjects({
      client: createS3Client({ endpoint: stack.s3.url }),
      bucket: stack.s3.bucket,
    });
    const from = seen.length;
    const path = join(mkdtempSync(join(tmpdir(), "coffer-e2e-")), "backup.tar");
    writeFileSync(path, bytes);
    const { share, binId } = await createInBrowser({ file: path }, shot, (p) => (page = p));
    expect(await objects.exists(binObjectKey(binId, 1))).toBe(true);
    // The 25 MiB never went through the API: its requests stayed small.
    const largest = Math.max(...seen.slice(from).map((request) => request.body.length));
    expect(largest).toBeLessThan(64 * 1024);

    const reader = await browser.newContext({ acceptDownloads: true });
    page = await newPage(reader);
    await page.goto(share);
    await page.getByTestId("reveal").click();
    await page.getByTestId("download-file").waitFor({ timeout: 120_000 });
    await shot("revealed");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("download-file").click(),
    ]);
    expect(download.suggestedFilename()).toBe("backup.tar");
    expect(Buffer.from(await readFile((await download.path())!)).equals(bytes)).toBe(true);
    await expect.poll(() => objects.exists(binObjectKey(binId, 1)), { timeout: 20_000 }).toBe(false);
    expect(await api.bins.get.query({ binId })).toEqual({ exists: false });
    await reader.close();
  },
);

testNoSecretReachedTheServer({ fragments: 2, reveals: 2 });
