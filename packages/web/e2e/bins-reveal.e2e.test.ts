import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { expect, test } from "vitest";
import {
  web,
  browser,
  fragments,
  newPage,
  shooter,
  createInBrowser,
  readsLeft,
  testNoSecretReachedTheServer,
  useBinPages,
} from "./bins-kit";

// Secure bins in Debian's Chromium: revealing a text, once, across reloads and racing tabs.

useBinPages();

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

testNoSecretReachedTheServer({ fragments: 3, reveals: 3 });
