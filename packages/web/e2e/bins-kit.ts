import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { createCofferClient } from "@coffer/client";
import { launchChromium, screenshotDir } from "@coffer/testkit/browser";
import type { SeenRequest } from "@coffer/local/gateway";
import { startTestStack } from "@coffer/testkit/stack";
import { serveWebSite, type WebSite } from "./web-site";
import { join } from "node:path";

// What the secure-bin browser tests share: one local stack, web site (the run's production build)
// and Chromium per test file, every request the gateway saw, and every fragment made, so that each file can end by
// checking that no secret of a link ever reached the server. The creator and the reader use separate
// browser contexts (no shared storage, cookies or cache), as two people would. The tests are split
// over several files so that they run in parallel.

export let stack: Awaited<ReturnType<typeof startTestStack>>;
export let web: WebSite;
export let browser: Browser;
export let api: ReturnType<typeof createCofferClient>;
export const seen: SeenRequest[] = [];
/** Every bin fragment (both secrets) this file made; neither part may ever reach the gateway. */
export const fragments: string[] = [];
export const cspViolations: string[] = [];

/** Starts the stack, the web site and Chromium for the calling test file. */
export function useBinPages() {
  beforeAll(async () => {
    // Chromium starts while the stack does: neither needs the other.
    [stack, browser] = await Promise.all([
      startTestStack({ onRequest: (request) => seen.push(request) }),
      launchChromium(),
    ]);
    web = await serveWebSite({
      dist: inject("webBuild"),
      apiUrl: stack.gateway.url,
      objectsUrl: stack.s3.url,
    });
    api = createCofferClient({ url: stack.gateway.url });
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await stack?.stop();
  });
}

export async function newPage(context?: BrowserContext): Promise<Page> {
  const page = await (context ?? (await browser.newContext())).newPage();
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text()))
      cspViolations.push(message.text());
  });
  return page;
}

export function shooter(testName: string, page: () => Page) {
  const dir = screenshotDir(testName);
  let step = 0;
  return (name: string) =>
    page().screenshot({ path: join(dir, `${String(++step).padStart(2, "0")}-${name}.png`), fullPage: true });
}

export interface NewBin {
  text?: string;
  /** A small file travels over the protocol; a large one is read from disk by the browser. */
  file?: { name: string; mimeType: string; buffer: Buffer } | string;
  passphrase?: string;
  maxReads?: number;
}

/** Fills the create form in its own browser context and returns the two links. */
export async function createInBrowser(
  bin: NewBin,
  shot: (name: string) => Promise<unknown>,
  setPage: (page: Page) => void,
  context?: BrowserContext,
) {
  const page = await newPage(context);
  setPage(page);
  await page.goto(web.url);
  if (bin.text !== undefined) await page.getByTestId("secret-text").fill(bin.text);
  if (bin.file) await page.getByTestId("secret-file").setInputFiles(bin.file);
  if (bin.maxReads !== undefined) {
    await page.getByTestId("burn-after-read").uncheck();
    await page.getByTestId("max-reads").fill(String(bin.maxReads));
  }
  if (bin.passphrase) await page.getByTestId("create-passphrase").fill(bin.passphrase);
  await shot("create-form");
  await page.getByTestId("create-bin").click();
  // A 25 MiB file is encrypted and uploaded before the links show: minutes on a loaded 2-core machine.
  await page.getByTestId("share-link").waitFor({ timeout: 180_000 });
  await shot("created");
  const share = await page.getByTestId("share-link").inputValue();
  const manage = await page.getByTestId("manage-link").inputValue();
  const { pathname, hash } = new URL(share);
  const binId = pathname.split("/")[2]!;
  fragments.push(hash.slice(1));
  expect(hash.slice(1).split(".")).toHaveLength(2); // the KMS key and the browser's own secret
  expect(new URL(manage).hash.startsWith(`${hash}.`)).toBe(true);
  if (!context) await page.context().close();
  return { share, manage, binId };
}

export const readsLeft = async (binId: string) => {
  const meta = await api.bins.get.query({ binId });
  return meta.exists ? meta.readsLeft : 0;
};
/**
 * The file's last test: no request the gateway saw carries either secret of a fragment, in any
 * encoding, and no page broke its Content Security Policy. The counts show the check had material.
 */
export function testNoSecretReachedTheServer(atLeast: { fragments: number; reveals: number }) {
  test("no request the gateway saw carries either secret of a fragment, in any encoding", () => {
    expect(fragments.length).toBeGreaterThanOrEqual(atLeast.fragments);
    expect(seen.filter((request) => request.url.includes("bins.reveal")).length).toBeGreaterThanOrEqual(
      atLeast.reveals,
    );
    const forms = fragments.flatMap((fragment) =>
      fragment.split(".").flatMap((part) => {
        const raw = Buffer.from(part, "base64url");
        const base64 = raw.toString("base64");
        return [
          part,
          base64,
          base64.replace(/=+$/, ""),
          encodeURIComponent(base64),
          raw.toString("hex"),
          raw.toString("hex").toUpperCase(),
          JSON.stringify([...raw]),
        ];
      }),
    );
    for (const request of seen) {
      const everything = `${request.method} ${request.url}\n${JSON.stringify(request.headers)}\n${request.body}`;
      for (const form of forms) expect(everything.includes(form)).toBe(false);
      expect(request.headers.referer).toBeUndefined();
    }
    expect(cspViolations).toEqual([]);
  });
}
