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
  expect(await page.getByTestId("check-kms").textContent()).toContain("up");
  expect(await page.getByTestId("check-dynamodb").textContent()).toContain("up");
  await page.screenshot({ path: join(screenshotDir("health"), "healthy.png"), fullPage: true });
  expect(violations.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
});

test("the page says which dependency is down", async () => {
  const rule = stack.kms.faults.add({ kind: "unavailable", mode: "refuse" });
  try {
    const page = await browser.newPage();
    await page.goto(web.url);
    await expect
      .poll(() => page.getByTestId("health-status").textContent(), { timeout: 15_000 })
      .toContain("KMS is unreachable");
    expect(await page.getByTestId("check-kms").textContent()).toContain("down");
    await page.screenshot({ path: join(screenshotDir("health"), "kms-down.png"), fullPage: true });
  } finally {
    stack.kms.faults.remove(rule);
  }
});
