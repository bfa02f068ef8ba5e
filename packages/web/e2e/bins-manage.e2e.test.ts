import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { expect, test } from "vitest";
import { connectDb } from "@coffer/core/db";
import { createAwsKms, createKmsClient } from "@coffer/core/kms";
import { type ContentKey, decryptBinContent, deriveReadSecrets } from "@coffer/sealing/bins";
import {
  stack,
  browser,
  api,
  seen,
  newPage,
  shooter,
  createInBrowser,
  readsLeft,
  testNoSecretReachedTheServer,
  useBinPages,
} from "./bins-kit";

// Secure bins in Debian's Chromium: passphrases, the manage link, a phone's screen, and a server that cannot read.

useBinPages();

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

testNoSecretReachedTheServer({ fragments: 4, reveals: 4 });
