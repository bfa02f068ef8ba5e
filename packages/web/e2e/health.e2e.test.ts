import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium, screenshotDir } from "@coffer/testkit/browser";
import { startTestStack } from "@coffer/testkit/stack";
import { startWebDevServer } from "@coffer/local/web";

let stack: Awaited<ReturnType<typeof startTestStack>>;
let web: Awaited<ReturnType<typeof startWebDevServer>>;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack();
  web = await startWebDevServer({ apiUrl: stack.gateway.url });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await web?.close();
  await stack?.stop();
});

// First: no instance has a cached answer yet. The public answer says down, never what is down.
test("the page says when the service is down", async () => {
  const rule = stack.kms.faults.add({ kind: "unavailable", mode: "refuse" });
  try {
    const page = await browser.newPage();
    await page.goto(web.url);
    await expect
      .poll(() => page.getByTestId("health-status").textContent(), { timeout: 15_000 })
      .toContain("Coffer is unavailable");
    expect(await page.content()).not.toMatch(/KMS|DynamoDB/);
    await page.screenshot({ path: join(screenshotDir("health"), "kms-down.png"), fullPage: true });
  } finally {
    stack.kms.faults.remove(rule);
  }
});

// The previous test left a "down" answer cached for a few seconds; the page retries until healthy.
test("the page loads from the local stack and shows the service healthy", async () => {
  const page = await browser.newPage();
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") violations.push(message.text());
  });
  const response = await page.goto(web.url);
  expect(response?.headers()["referrer-policy"]).toBe("no-referrer");
  expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");

  await expect
    .poll(() => page.getByTestId("health-status").textContent(), { timeout: 15_000 })
    .toBe("Healthy");
  await page.screenshot({ path: join(screenshotDir("health"), "healthy.png"), fullPage: true });
  expect(violations.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
});
