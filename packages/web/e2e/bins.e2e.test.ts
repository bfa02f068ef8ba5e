import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createCofferClient } from "@coffer/client";
import { binObjectKey, createS3BinObjects, createS3Client } from "@coffer/core/bin-objects";
import { connectDb } from "@coffer/core/db";
import { createAwsKms, createKmsClient } from "@coffer/core/kms";
import { type ContentKey, decryptBinContent, deriveReadSecrets } from "@coffer/sealing/bins";
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
/** Every bin fragment (both secrets) this file made; neither part may ever reach the gateway. */
const fragments: string[] = [];
const cspViolations: string[] = [];

beforeAll(async () => {
  stack = await startTestStack({ onRequest: (request) => seen.push(request) });
  web = await startWebDevServer({ apiUrl: stack.gateway.url, objectsUrl: stack.s3.url });
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
  /** A small file travels over the protocol; a large one is read from disk by the browser. */
  file?: { name: string; mimeType: string; buffer: Buffer } | string;
  passphrase?: string;
  maxReads?: number;
}

/** Fills the create form in its own browser context and returns the two links. */
async function createInBrowser(
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

const readsLeft = async (binId: string) => {
  const meta = await api.bins.get.query({ binId });
  return meta.exists ? meta.readsLeft : 0;
};

test(
  "a text is revealed only on click, exactly once; the secrets stay in the address bar until then",
  { timeout: 120_000 },
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
    expect(page.url()).toBe(share); // kept until the reveal, so a reload still works
    expect(await page.getByTestId("revealed-text").count()).toBe(0);
    expect(await page.getByTestId("reads-left").textContent()).toContain("once");
    // The expiry as a local date with its time zone, and how far away it is.
    expect(await page.getByTestId("expires").textContent()).toMatch(/UTC|GMT/);
    expect(await page.getByTestId("expires").textContent()).toMatch(/\(in (23 hours|24 hours|1 day)\)/);
    await shot("opened-nothing-revealed");
    expect(await readsLeft(binId)).toBe(1);

    await page.getByTestId("reveal").click();
    await page.getByTestId("revealed-text").waitFor();
    expect(await page.getByTestId("revealed-text").textContent()).toBe(secret);
    expect(page.url()).toBe(`${web.url}/b/${binId}`); // the secrets left the address bar with the reveal
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

test("a reload, or a bookmark opened later, before Reveal still reveals", { timeout: 120_000 }, async () => {
  let page!: Page;
  const shot = shooter("bins-reload", () => page);
  const { share, binId } = await createInBrowser({ text: "survives a reload" }, shot, (p) => (page = p));
  const reader = await browser.newContext();
  page = await newPage(reader);
  await page.goto(share);
  await page.getByTestId("bin-facts").waitFor({ timeout: 20_000 });
  await page.reload();
  await page.getByTestId("bin-facts").waitFor({ timeout: 20_000 });
  await shot("after-reload");
  expect(await page.getByTestId("bin-error").count()).toBe(0);
  // A bookmark: the same address in a fresh tab.
  page = await newPage(reader);
  await page.goto(share);
  await page.getByTestId("reveal").click();
  await page.getByTestId("revealed-text").waitFor({ timeout: 20_000 });
  expect(await page.getByTestId("revealed-text").textContent()).toBe("survives a reload");
  expect(page.url()).toBe(`${web.url}/b/${binId}`);
  await shot("revealed-after-reload");
  await reader.close();
});

test(
  "two tabs on a one-read link: the loser's page says 'gone', consistently",
  { timeout: 120_000 },
  async () => {
    let page!: Page;
    const shot = shooter("bins-two-tabs", () => page);
    const { share } = await createInBrowser({ text: "only one of you" }, shot, (p) => (page = p));
    const reader = await browser.newContext();
    const [first, second] = [await newPage(reader), await newPage(reader)];
    await Promise.all([first.goto(share), second.goto(share)]);
    await Promise.all([first, second].map((tab) => tab.getByTestId("reveal").waitFor({ timeout: 20_000 })));
    await first.getByTestId("reveal").click();
    await first.getByTestId("revealed-text").waitFor({ timeout: 20_000 });
    await second.getByTestId("reveal").click();
    await second.getByTestId("bin-gone").waitFor({ timeout: 20_000 });
    page = second;
    await shot("loser");
    expect(await second.getByTestId("bin-gone").getAttribute("role")).toBe("alert");
    expect(await second.getByTestId("bin-gone").textContent()).toBe(
      "This secret is gone: it has been revealed as many times as allowed, it expired, or it was deleted.",
    );
    // Nothing left that contradicts it: no facts promising a reveal, no button.
    expect(await second.getByTestId("reveal").count()).toBe(0);
    expect(await second.getByTestId("bin-facts").count()).toBe(0);
    expect(await second.locator("body").textContent()).not.toContain("revealed once");
    // And the words are the same as on a fresh load of the spent link.
    const fresh = await newPage(reader);
    await fresh.goto(share);
    await fresh.getByTestId("bin-gone").waitFor({ timeout: 20_000 });
    expect(await fresh.getByTestId("bin-gone").textContent()).toBe(
      await second.getByTestId("bin-gone").textContent(),
    );
    await reader.close();
  },
);

test(
  "the reads field can be cleared and retyped, and refuses what is not 1 to 100",
  { timeout: 120_000 },
  async () => {
    let page!: Page;
    const shot = shooter("bins-reads-field", () => page);
    page = await newPage();
    await page.goto(web.url);
    await page.getByTestId("secret-text").fill("read me five times");
    await page.getByTestId("burn-after-read").uncheck();
    const field = page.getByTestId("max-reads");
    await field.click();
    await field.press("End");
    await field.press("Backspace"); // the default "3" is gone: empty, not snapped back to 1
    expect(await field.inputValue()).toBe("");
    expect(await page.getByTestId("max-reads-problem").isVisible()).toBe(true);
    expect(await page.getByTestId("create-bin").isDisabled()).toBe(true);
    await shot("empty-field");
    await field.pressSequentially("5");
    expect(await field.inputValue()).toBe("5");
    expect(await page.getByTestId("max-reads-problem").isVisible()).toBe(false);
    await field.fill("101");
    expect(await page.getByTestId("max-reads-problem").isVisible()).toBe(true);
    await shot("out-of-range");
    await field.fill("");
    await field.pressSequentially("15");
    expect(await field.inputValue()).toBe("15");
    await page.getByTestId("create-bin").click();
    await page.getByTestId("share-link").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("bin-created").textContent()).toContain("up to 15 times");
    // The confirmation repeats the expiry, with its zone and how far away it is.
    expect(await page.getByTestId("created-expiry").textContent()).toMatch(/UTC|GMT/);
    expect(await page.getByTestId("created-expiry").textContent()).toMatch(/\(in /);
    await shot("created");
    const binId = new URL(await page.getByTestId("share-link").inputValue()).pathname.split("/")[2]!;
    fragments.push(new URL(await page.getByTestId("share-link").inputValue()).hash.slice(1));
    expect(await readsLeft(binId)).toBe(15);
    await page.context().close();
  },
);

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

test(
  "with a passphrase: a wrong one says how many tries are left and spends nothing; the right one reveals",
  { timeout: 120_000 },
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
      "Wrong passphrase. Nothing was used up; 9 tries are left before the secret is destroyed.",
    );
    expect(await page.getByTestId("reveal-error").getAttribute("role")).toBe("alert");
    expect(page.url()).toBe(share); // not revealed: the secrets stay
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

test(
  "the manage link shows the share link again, brings the expiry forward, updates, then deletes",
  { timeout: 120_000 },
  async () => {
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
    await page.getByTestId("bin-facts").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("share-link").inputValue()).toBe(share);
    expect(await page.getByTestId("reads-left").textContent()).toContain("3 more times");
    expect(await page.locator("body").textContent()).not.toMatch(/version/i);
    const before = (await api.bins.get.query({ binId })) as { expiresAt: number };
    await page.getByTestId("new-expiry").selectOption({ label: "in 1 hour" });
    await page.getByTestId("set-expiry").click();
    await page.getByTestId("expiry-updated").waitFor({ timeout: 20_000 });
    await expect
      .poll(() => page.getByTestId("expires").textContent())
      .toMatch(/\(in (1 hour|60 minutes|59 minutes)\)/);
    const after = (await api.bins.get.query({ binId })) as { expiresAt: number };
    expect(after.expiresAt).toBeLessThan(before.expiresAt - 20 * 3600);
    await page.getByTestId("secret-text").fill("second draft");
    await shot("manage-before-update");
    await page.getByTestId("update-bin").click();
    await page.getByTestId("bin-updated").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("bin-updated").textContent()).toContain("the new secret");
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
  },
);

test("on a 390 × 844 screen every bin page fits its width", { timeout: 120_000 }, async () => {
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  let page!: Page;
  const shot = shooter("bins-phone", () => page);
  const fits = async () =>
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
  const { share, manage } = await createInBrowser(
    { text: "small screens too", passphrase: "pw", maxReads: 2 },
    shot,
    (p) => (page = p),
    phone,
  );
  await fits();
  page = await newPage(phone);
  await page.goto(share);
  await page.getByTestId("reveal-passphrase").waitFor({ timeout: 20_000 });
  await fits();
  await shot("open");
  await page.getByTestId("reveal-passphrase").fill("pw");
  await page.getByTestId("reveal").click();
  await page.getByTestId("revealed-text").waitFor({ timeout: 20_000 });
  await fits();
  await shot("revealed");
  await page.goto(manage);
  await page.getByTestId("bin-facts").waitFor({ timeout: 20_000 });
  await fits();
  await shot("manage");
  await phone.close();
});

test(
  "everything the server side holds (stored item, every request body, the KMS key) cannot decrypt a bin that the browser opens",
  { timeout: 120_000 },
  async () => {
    let page!: Page;
    const shot = shooter("bins-zero-knowledge", () => page);
    const secret = `zero knowledge ${randomBytes(6).toString("hex")}`;
    const from = seen.length;
    const { share, binId } = await createInBrowser({ text: secret, maxReads: 2 }, shot, (p) => (page = p));
    const reader = await browser.newContext();
    page = await newPage(reader);
    await page.goto(share);
    await page.getByTestId("reveal").click();
    await page.getByTestId("revealed-text").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("revealed-text").textContent()).toBe(secret); // the browser opens it
    await reader.close();

    // What the server side has: every request body, the stored item, and KMS (which unwraps the key).
    const bodies = seen.slice(from).map((request) => request.body);
    const create = bodies.map((body) => JSON.parse(body || "{}")).find((body) => body?.["0"]?.wrappedKey)?.[
      "0"
    ] as { wrappedKey: string } | undefined;
    expect(create).toBeDefined();
    const { db, dynamo } = connectDb({ endpoint: stack.dynamoEndpoint, table: stack.tableName });
    const item = (await db.entities.bin.get({ binId }).go({ consistent: true })).data!;
    dynamo.destroy();
    const kms = createAwsKms(createKmsClient({ endpoint: stack.kms.url }));
    const kmsKey = await kms.decrypt({
      wrapped: Buffer.from(create!.wrappedKey, "base64url"),
      context: { purpose: "bin", binId },
      keyId: stack.keyArns.bins!,
    });

    // Every 32-byte value the server side ever saw, tried as the browser's secret and as the AES key.
    const values = new Set<string>();
    const collect = (value: unknown): void => {
      if (typeof value === "string") values.add(value);
      else if (value && typeof value === "object") Object.values(value).forEach(collect);
    };
    bodies.forEach((body) => collect(JSON.parse(body || "{}")));
    collect(Object.fromEntries(Object.entries(item).filter(([, v]) => typeof v === "string")));
    const candidates: Buffer[] = [...values]
      .map((value) => (/^[A-Za-z0-9_-]+$/.test(value) ? Buffer.from(value, "base64url") : Buffer.alloc(0)))
      .filter((bytes) => bytes.length === 32);
    candidates.push(kmsKey, Buffer.alloc(32));
    expect(candidates.length).toBeGreaterThan(5);
    const attempt = async (contentKey: ContentKey) =>
      decryptBinContent({
        contentKey,
        binId,
        version: item.version,
        iv: item.iv as Uint8Array,
        ciphertext: item.ciphertext as Uint8Array,
      }).then(
        () => "opened",
        () => "refused",
      );
    const results: string[] = [];
    for (const candidate of candidates) {
      const derived = await deriveReadSecrets({ kmsKey, browserSecret: candidate }, binId);
      results.push(await attempt(derived.contentKey));
      const raw = await crypto.subtle.importKey("raw", new Uint8Array(candidate), "AES-GCM", false, [
        "decrypt",
      ]);
      results.push(await attempt(raw));
    }
    expect(new Set(results)).toEqual(new Set(["refused"]));
    // The check can fail: with the browser's secret from the share link, the same item opens.
    const browserSecret = Buffer.from(new URL(share).hash.slice(1).split(".")[1]!, "base64url");
    const real = await deriveReadSecrets({ kmsKey, browserSecret }, binId);
    expect(await attempt(real.contentKey)).toBe("opened");
  },
);

test("no request the gateway saw carries either secret of a fragment, in any encoding", () => {
  expect(fragments.length).toBeGreaterThanOrEqual(9);
  expect(seen.filter((request) => request.url.includes("bins.reveal")).length).toBeGreaterThanOrEqual(5);
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
