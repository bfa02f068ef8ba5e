import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { createCofferClient } from "@coffer/client";
import { launchChromium, screenshotDir } from "@coffer/testkit/browser";
import { startTestStack } from "@coffer/testkit/stack";
import { serveWebSite, type WebSite } from "./web-site";

// The public page is for people sharing secrets: it shows no developer's health card (the admin
// console will). The health procedure itself stays (up or down; admin.health says what is down).

let stack: Awaited<ReturnType<typeof startTestStack>>;
let web: WebSite;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startTestStack(), launchChromium()]);
  web = await serveWebSite({ dist: inject("webBuild"), apiUrl: stack.gateway.url, objectsUrl: stack.s3.url });
});
afterAll(async () => {
  await browser?.close();
  await web?.close();
  await stack?.stop();
});

test("the public page loads with its security headers and no health card", async () => {
  const page = await browser.newPage();
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") violations.push(message.text());
  });
  const response = await page.goto(web.url);
  expect(response?.headers()["referrer-policy"]).toBe("no-referrer");
  const csp = response?.headers()["content-security-policy"] ?? "";
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain(
    `connect-src 'self' ${new URL(stack.gateway.url).origin} ${new URL(stack.s3.url).origin}`,
  );
  await page.getByTestId("create-bin").waitFor({ timeout: 15_000 });
  expect(await page.getByTestId("health-status").count()).toBe(0);
  expect(await page.locator("body").textContent()).not.toMatch(/DynamoDB|Healthy|latenc|Stage:/);
  await page.screenshot({ path: join(screenshotDir("health"), "public-page.png"), fullPage: true });
  expect(violations.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
});

// The public health answer is up or down only (it never says what is down); admin.health, on the
// admin function, gives the detailed report (functions/src/health.test.ts).
test("the public health procedure answers up, and nothing about its dependencies", async () => {
  const api = createCofferClient({ url: stack.gateway.url });
  expect(await api.health.query()).toEqual({ status: "up" });
});

// The browser tests' CSP checks watch the console: this shows that the served build's policy is
// enforced and that a violation does reach the console in the form they look for.
test("the served page's policy refuses a connection to another origin, and says so on the console", async () => {
  const page = await browser.newPage();
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text()))
      violations.push(message.text());
  });
  await page.goto(web.url);
  await page.getByTestId("create-bin").waitFor({ timeout: 15_000 });
  const elsewhere = "http://127.0.0.1:9/not-allowed";
  const outcome = await page.evaluate(
    (url) =>
      fetch(url).then(
        () => "connected",
        () => "refused",
      ),
    elsewhere,
  );
  expect(outcome).toBe("refused");
  await expect.poll(() => violations.length, { timeout: 10_000 }).toBeGreaterThan(0);
  expect(violations[0]).toContain(elsewhere);
  expect(violations[0]).toContain("connect-src");
});
