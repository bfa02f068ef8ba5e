import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createCofferClient } from "@coffer/client";
import { launchChromium, screenshotDir } from "@coffer/testkit/browser";
import type { SeenRequest } from "@coffer/local/gateway";
import { startTestStack } from "@coffer/testkit/stack";
import { startWebDevServer } from "@coffer/local/web";

// Secure bins in Debian's Chromium against the local stack. The creator and the reader use
// separate browser contexts (no shared storage, cookies or cache), as two people would.

let stack: Awaited<ReturnType<typeof startTestStack>>;
let web: Awaited<ReturnType<typeof startWebDevServer>>;
let browser: Browser;
let api: ReturnType<typeof createCofferClient>;
const seen: SeenRequest[] = [];
/** Every bin key this file's bins were made with; none may ever reach the gateway. */
const fragmentKeys: string[] = [];
const cspViolations: string[] = [];

beforeAll(async () => {
  stack = await startTestStack({ onRequest: (request) => seen.push(request) });
  web = await startWebDevServer({ apiUrl: stack.gateway.url });
  browser = await launchChromium();
  api = createCofferClient({ url: stack.gateway.url });
});
afterAll(async () => {
  await browser?.close();
  await web?.close();
  await stack?.stop();
});

async function newPage(context?: BrowserContext): Promise<Page> {
  const page = await (context ?? (await browser.newContext())).newPage();
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text()))
      cspViolations.push(message.text());
  });
  return page;
}

function shooter(testName: string, page: () => Page) {
  const dir = screenshotDir(testName);
  let step = 0;
  return (name: string) =>
    page().screenshot({ path: join(dir, `${String(++step).padStart(2, "0")}-${name}.png`), fullPage: true });
}

interface NewBin {
  text?: string;
  file?: { name: string; mimeType: string; buffer: Buffer };
  passphrase?: string;
  maxReads?: number;
}

/** Fills the create form in its own browser context and returns the two links. */
async function createInBrowser(
  bin: NewBin,
  shot: (name: string) => Promise<unknown>,
  setPage: (page: Page) => void,
) {
  const page = await newPage();
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
  await page.getByTestId("share-link").waitFor({ timeout: 20_000 });
  await shot("created");
  const share = await page.getByTestId("share-link").inputValue();
  const manage = await page.getByTestId("manage-link").inputValue();
  const { pathname, hash } = new URL(share);
  const binId = pathname.split("/")[2]!;
  fragmentKeys.push(hash.slice(1));
  expect(new URL(manage).hash.startsWith(`${hash}.`)).toBe(true);
  await page.context().close();
  return { share, manage, binId };
}

const readsLeft = async (binId: string) => {
  const meta = await api.bins.get.query({ binId });
  return meta.exists ? meta.readsLeft : 0;
};

test(
  "a text is revealed only on click, exactly once, to a reader in another context",
  { timeout: 90_000 },
  async () => {
    let page!: Page;
    const shot = shooter("bins-text", () => page);
    const secret = `db password: ${randomBytes(9).toString("base64url")} ✓`;
    const { share, binId } = await createInBrowser({ text: secret }, shot, (p) => (page = p));

    // A link scanner's GET of the page, and the page itself, spend nothing.
    expect((await fetch(share)).status).toBe(200);
    const reader = await browser.newContext();
    await reader.grantPermissions(["clipboard-read", "clipboard-write"]);
    page = await newPage(reader);
    await page.goto(share);
    await page.getByTestId("bin-facts").waitFor({ timeout: 20_000 });
    expect(page.url()).toBe(`${web.url}/b/${binId}`); // the fragment is gone from the address bar
    expect(await page.getByTestId("revealed-text").count()).toBe(0);
    expect(await page.getByTestId("reads-left").textContent()).toContain("once");
    await shot("opened-nothing-revealed");
    expect(await readsLeft(binId)).toBe(1);

    await page.getByTestId("reveal").click();
    await page.getByTestId("revealed-text").waitFor();
    expect(await page.getByTestId("revealed-text").textContent()).toBe(secret);
    expect(await page.getByTestId("after-reveal").textContent()).toContain("last reveal");
    await page.getByTestId("copy-secret").click();
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(secret);
    await shot("revealed");
    expect(await page.evaluate("JSON.stringify({ ...localStorage, ...sessionStorage })")).toBe("{}");

    const again = await newPage(reader);
    page = again;
    await again.goto(share);
    await again.getByTestId("bin-gone").waitFor({ timeout: 20_000 });
    expect(await again.getByTestId("reveal").count()).toBe(0);
    await shot("reopened-gone");
    await reader.close();
  },
);

test("a file comes back as the exact bytes, through a download", { timeout: 90_000 }, async () => {
  let page!: Page;
  const shot = shooter("bins-file", () => page);
  const bytes = randomBytes(50_000);
  const { share } = await createInBrowser(
    { file: { name: "deploy-key.bin", mimeType: "application/octet-stream", buffer: bytes } },
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
  expect(await page.getByTestId("revealed-file").textContent()).toContain("deploy-key.bin");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("download-file").click(),
  ]);
  expect(download.suggestedFilename()).toBe("deploy-key.bin");
  expect(Buffer.from(await readFile((await download.path())!)).equals(bytes)).toBe(true);
  await shot("revealed-file");

  await page.goto(share);
  await page.getByTestId("bin-gone").waitFor({ timeout: 20_000 });
  await shot("reopened-gone");
  await reader.close();
});

test(
  "with a passphrase: a wrong one fails clearly and spends nothing; the right one reveals",
  { timeout: 90_000 },
  async () => {
    let page!: Page;
    const shot = shooter("bins-passphrase", () => page);
    const secret = "behind two locks";
    const { share, binId } = await createInBrowser(
      { text: secret, passphrase: "correct horse battery staple" },
      shot,
      (p) => (page = p),
    );

    const reader = await browser.newContext();
    page = await newPage(reader);
    await page.goto(share);
    await page.getByTestId("reveal-passphrase").waitFor({ timeout: 20_000 });
    await page.getByTestId("reveal-passphrase").fill("correct horse battery stapler");
    await page.getByTestId("reveal").click();
    await page.getByTestId("reveal-error").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("reveal-error").textContent()).toBe(
      "Wrong passphrase. Nothing was used up: check it and try again.",
    );
    await shot("wrong-passphrase");
    expect(await readsLeft(binId)).toBe(1);

    await page.getByTestId("reveal-passphrase").fill("correct horse battery staple");
    await page.getByTestId("reveal").click();
    await page.getByTestId("revealed-text").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("revealed-text").textContent()).toBe(secret);
    await shot("revealed");

    await page.goto(share);
    await page.getByTestId("bin-gone").waitFor({ timeout: 20_000 });
    await shot("reopened-gone");
    await reader.close();
  },
);

test("the manage link updates the content, then deletes the bin", { timeout: 90_000 }, async () => {
  let page!: Page;
  const shot = shooter("bins-manage", () => page);
  const { share, manage, binId } = await createInBrowser(
    { text: "first draft", maxReads: 3 },
    shot,
    (p) => (page = p),
  );

  const owner = await browser.newContext();
  page = await newPage(owner);
  await page.goto(manage);
  await page.getByTestId("bin-version").waitFor({ timeout: 20_000 });
  expect(page.url()).toBe(`${web.url}/b/${binId}/manage`);
  expect(await page.getByTestId("reads-left").textContent()).toContain("3 more times");
  await page.getByTestId("secret-text").fill("second draft");
  await shot("manage-before-update");
  await page.getByTestId("update-bin").click();
  await page.getByTestId("bin-updated").waitFor({ timeout: 20_000 });
  await expect.poll(() => page.getByTestId("bin-version").textContent()).toBe("Version 2");
  await shot("updated");

  const reader = await browser.newContext();
  const readerPage = await newPage(reader);
  await readerPage.goto(share);
  await readerPage.getByTestId("reveal").click();
  await readerPage.getByTestId("revealed-text").waitFor({ timeout: 20_000 });
  expect(await readerPage.getByTestId("revealed-text").textContent()).toBe("second draft");
  expect(await readerPage.getByTestId("after-reveal").textContent()).toContain("2 more times");

  await page.getByTestId("delete-bin").click();
  await page.getByTestId("confirm-delete").click();
  await page.getByTestId("bin-deleted").waitFor({ timeout: 20_000 });
  await shot("deleted");
  await readerPage.goto(share);
  await readerPage.getByTestId("bin-gone").waitFor({ timeout: 20_000 });
  page = readerPage;
  await shot("share-link-after-delete");
  await reader.close();
  await owner.close();
});

test("no request the gateway saw carries a fragment key, in any encoding", () => {
  expect(fragmentKeys).toHaveLength(4);
  expect(seen.filter((request) => request.url.includes("bins.reveal")).length).toBeGreaterThanOrEqual(5);
  const forms = fragmentKeys.flatMap((key) => {
    const raw = Buffer.from(key, "base64url");
    const base64 = raw.toString("base64");
    return [
      key,
      base64,
      base64.replace(/=+$/, ""),
      encodeURIComponent(base64),
      raw.toString("hex"),
      raw.toString("hex").toUpperCase(),
      JSON.stringify([...raw]),
    ];
  });
  for (const request of seen) {
    const everything = `${request.method} ${request.url}\n${JSON.stringify(request.headers)}\n${request.body}`;
    for (const form of forms) expect(everything.includes(form)).toBe(false);
    expect(request.headers.referer).toBeUndefined();
  }
  expect(cspViolations).toEqual([]);
});
