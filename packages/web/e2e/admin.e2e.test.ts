import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test, vi } from "vitest";
import { type CofferClient, createCofferClient } from "@coffer/client";
import { connectDb } from "@coffer/core/db";
import type { SeenRequest } from "@coffer/local/gateway";
import { launchChromium, screenshotDir } from "@coffer/testkit/browser";
import { startTestStack } from "@coffer/testkit/stack";
import { serveWebSite, type WebSite } from "./web-site";

// The admin console in Debian's Chromium against the local stack (key maintenance on a short timer,
// as `npm run local` runs it): sign in, rotate, rewrap stored records with a live progress bar,
// make and revoke a token, verify an audit chain and see a tampered one reported, on a desktop and
// a phone-sized screen. One browser and one stack for the file; tests run in order on one page.

const STORED_RECORDS = 30;

let stack: Awaited<ReturnType<typeof startTestStack>>;
let web: WebSite;
let browser: Browser;
let adminToken: string;
let api: CofferClient;
let context: BrowserContext;
let page: Page;
const seen: SeenRequest[] = [];
const dir = () => screenshotDir("admin-console");
let step = 0;
const shot = (name: string, on: Page = page) =>
  on.screenshot({ path: join(dir(), `${String(++step).padStart(2, "0")}-${name}.png`), fullPage: true });

beforeAll(async () => {
  // Key maintenance runs every 300 ms here and logs each round: keep its lines out of the output.
  const log = console.log;
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    if (!String(args[0]).includes('"key_maintenance"')) log(...args);
  });
  [stack, browser] = await Promise.all([
    startTestStack({ onRequest: (request) => seen.push(request), maintenanceIntervalMs: 300 }),
    launchChromium(),
  ]);
  [web, adminToken] = await Promise.all([
    serveWebSite({ dist: inject("webBuild"), apiUrl: stack.gateway.url }),
    stack.mintToken({ name: "console", scopes: ["admin"] }),
  ]);
  api = createCofferClient({ url: stack.gateway.url, token: adminToken });
  const writer = createCofferClient({
    url: stack.gateway.url,
    token: await stack.mintToken({ name: "writer", scopes: ["encrypt"] }),
  });
  await Promise.all(
    Array.from({ length: STORED_RECORDS }, (_, i) =>
      writer.records.put.mutate({
        keyName: "default",
        plaintext: Buffer.from(`record ${i}`).toString("base64url"),
        context: { n: String(i) },
      }),
    ),
  );
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: web.url });
  page = await context.newPage();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await web?.close();
  await stack?.stop();
});

/** By keyboard: the token field, then Enter. */
async function signIn(on: Page, token: string) {
  await on.getByTestId("admin-token").fill(token);
  await on.getByTestId("admin-token").press("Enter");
}

test("sign in: a wrong token is refused and says so; the right one is kept for this tab only", async () => {
  await page.goto(`${web.url}/admin`);
  await page.getByTestId("admin-sign-in").waitFor({ timeout: 20_000 });
  await signIn(page, `coffer_${randomBytes(48).toString("base64url")}`);
  await page.getByTestId("sign-in-error").waitFor();
  expect(await page.getByTestId("sign-in-error").textContent()).toContain("refused this token");
  await shot("wrong-token");

  const signedInFrom = seen.length;
  await signIn(page, adminToken);
  await page.getByTestId("key-default").waitFor({ timeout: 20_000 });
  expect(new URL(page.url()).pathname).toBe("/admin/keys");
  // Browser-side expressions are strings: this file is type-checked without the DOM library.
  const storage = (await page.evaluate(
    "({ local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage), cookies: document.cookie })",
  )) as { local: string; session: string; cookies: string };
  expect(storage.local).not.toContain(adminToken);
  expect(storage.cookies).not.toContain(adminToken);
  expect(storage.session).toContain(adminToken);
  // A reload keeps the session (same tab); the token travels only in the Authorization header.
  await page.reload();
  await page.getByTestId("key-default").waitFor({ timeout: 20_000 });
  const adminCalls = seen.slice(signedInFrom).filter((request) => request.url.includes("admin."));
  expect(adminCalls.length).toBeGreaterThan(0);
  for (const request of adminCalls) {
    expect(request.headers.authorization).toBe(`Bearer ${adminToken}`);
    expect(`${request.url} ${request.body}`).not.toContain(adminToken);
  }
  await shot("keys");
});

test("rotate a key and see its new version", async () => {
  expect(await page.getByTestId("current-version-default").textContent()).toBe("v1");
  await page.getByTestId("rotate-default").click();
  await page.getByTestId("current-version-default").filter({ hasText: "v2" }).waitFor({ timeout: 20_000 });
  expect(await page.getByTestId("versions-default").textContent()).toContain("on demand");
  await shot("rotated");
});

test("disable a key, then enable it again", async () => {
  await page.getByTestId("disable-pii").click();
  await page.getByTestId("key-state-pii").filter({ hasText: "disabled" }).waitFor({ timeout: 20_000 });
  expect((await api.admin.keys.list.query()).keys.find((key) => key.keyName === "pii")?.state).toBe(
    "disabled",
  );
  await page.getByTestId("enable-pii").click();
  await page.getByTestId("key-state-pii").filter({ hasText: "enabled" }).waitFor({ timeout: 20_000 });
});

test("raising the minimum says how many records would become unreadable", async () => {
  await page.getByTestId("raise-min-default").click();
  await page.getByTestId("raise-count").click();
  await page.getByTestId("raise-impact").waitFor({ timeout: 20_000 });
  expect(await page.getByTestId("raise-impact").textContent()).toContain(
    `${STORED_RECORDS} stored records of “default” (of ${STORED_RECORDS}) would become unreadable`,
  );
  await shot("raise-confirm");
  await page.keyboard.press("Escape"); // cancel: nothing raised
  expect(await page.getByTestId("raise-confirm").count()).toBe(0);
  expect(await page.getByTestId("min-version-default").textContent()).toBe("v1");
});

test(
  "a rewrap campaign over the stored records shows its progress bar reach 100 %",
  { timeout: 90_000 },
  async () => {
    await page.getByTestId("rewrap-default").click();
    await page.getByTestId("rewrap-start-default").click();
    await page.getByTestId("campaign").waitFor({ timeout: 20_000 });
    await shot("campaign-started");
    await page.locator('[data-testid="campaign"][data-status="completed"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("campaign-percent").textContent()).toBe("100 %");
    expect(await page.getByTestId("campaign-bar").getAttribute("value")).toBe("100");
    expect(await page.getByTestId("campaign-done").textContent()).toBe(
      `${STORED_RECORDS} of ${STORED_RECORDS} records`,
    );
    expect(await page.getByTestId("campaign-failures").textContent()).toBe("0 failed");
    await shot("campaign-done");
    // Every stored record is at v2 now: the count agrees.
    const count = await api.admin.keys.countRecordsBelowVersion.query({
      keyName: "default",
      belowVersion: 2,
    });
    expect(count).toMatchObject({ below: 0, ofKey: STORED_RECORDS, cursor: null });
  },
);

test("create a token, copy its secret once, then revoke it", { timeout: 60_000 }, async () => {
  await page.getByTestId("nav-tokens").click();
  await page.getByTestId("token-name").fill("billing reader");
  await page.getByTestId("token-namespace").fill("billing");
  await page.getByTestId("token-scope-encrypt").uncheck();
  await page.getByTestId("token-scope-decrypt").check();
  await page.getByTestId("token-key-default").check();
  await shot("token-form");
  await page.getByTestId("token-create").click();
  await page.getByTestId("token-created").waitFor({ timeout: 20_000 });
  expect(await page.getByTestId("token-once").textContent()).toContain("you will not see this again");
  const secret = await page.getByTestId("token-secret").inputValue();
  expect(secret).toMatch(/^coffer_/);
  await page.getByTestId("token-copy").click();
  await page.getByTestId("token-copy").filter({ hasText: "Copied" }).waitFor();
  expect(await page.evaluate("navigator.clipboard.readText()")).toBe(secret);
  await shot("token-created");

  // The token works, in its namespace.
  const made = createCofferClient({ url: stack.gateway.url, token: secret });
  expect((await made.records.list.query()).records).toEqual([]);

  // Once dismissed, the secret is nowhere on the page, and the list never had it.
  await page.getByTestId("token-done").click();
  const row = page.getByTestId("token-row").filter({ hasText: "billing reader" });
  await row.waitFor();
  expect(await page.locator("body").textContent()).not.toContain(secret);
  expect(await row.textContent()).toContain("billing");
  expect(await row.getByTestId("token-status").textContent()).toBe("active");

  await row.getByTestId("token-revoke").click();
  await page.getByTestId("revoke-confirm").waitFor();
  await shot("revoke-confirm");
  await page.getByTestId("revoke-confirm-yes").click();
  await row.getByTestId("token-status").filter({ hasText: "revoked" }).waitFor({ timeout: 20_000 });
  await shot("token-revoked");
  expect((await api.admin.tokens.list.query()).tokens.find((t) => t.name === "billing reader")?.status).toBe(
    "revoked",
  );
});

test("verify an audit chain; after an event is edited in DynamoDB the console reports the break", async () => {
  await page.getByTestId("nav-audit").click();
  await page.getByTestId("audit-row").first().waitFor({ timeout: 20_000 });
  // The tokens chain: the tokens minted for this file, then the one made and revoked above.
  expect(await page.getByTestId("audit-table").textContent()).toContain("token.revoke");
  await page.getByTestId("audit-verify").click();
  await page.locator('[data-testid="verify-result"][data-ok="true"]').waitFor({ timeout: 20_000 });
  expect(await page.getByTestId("verify-result").textContent()).toContain("intact");
  await shot("audit-intact");
  // The time filter: nothing happened in the future, everything since this morning.
  await page.getByTestId("audit-from").fill("2099-01-01T00:00");
  await page.getByText("No event in this chain in that time").waitFor({ timeout: 20_000 });
  await page.getByTestId("audit-from").fill("");
  await page.getByTestId("audit-row").first().waitFor({ timeout: 20_000 });

  // Someone with write access to the table changes the first event's target.
  const { db, dynamo } = connectDb({ endpoint: stack.dynamoEndpoint, table: stack.tableName });
  const { Items = [] } = await db.client.send(
    new QueryCommand({
      TableName: stack.tableName,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": "$coffer#chain_tokens" },
    }),
  );
  const first = Items.find((item) => item.__edb_e__ === "audit" && item.seq === 1)!;
  expect(first).toBeDefined();
  await db.client.send(
    new UpdateCommand({
      TableName: stack.tableName,
      Key: { pk: first.pk, sk: first.sk },
      UpdateExpression: "SET #subject = :forged",
      ExpressionAttributeNames: { "#subject": "subject" },
      ExpressionAttributeValues: { ":forged": "AAAAAAAAAAAAAAAAAAAAAA" },
    }),
  );
  dynamo.destroy();

  await page.getByTestId("audit-verify").click();
  await page.locator('[data-testid="verify-result"][data-ok="false"]').waitFor({ timeout: 20_000 });
  const report = await page.getByTestId("verify-result").textContent();
  expect(report).toContain("broken at event 1");
  expect(report).toContain("changed after it was written");
  expect(report).toContain("What to do");
  await shot("audit-broken");
});

test("health: KMS and DynamoDB with latencies, the stage and the version", async () => {
  await page.getByTestId("nav-health").click();
  await page.getByTestId("health-status").waitFor({ timeout: 20_000 });
  expect(await page.getByTestId("health-kms").textContent()).toMatch(/KMSup\d+ ms/);
  expect(await page.getByTestId("health-dynamodb").textContent()).toMatch(/DynamoDBup\d+ ms/);
  expect(await page.getByTestId("health-stage").textContent()).toContain("test");
  await shot("health");
});

test("on a 390 × 844 screen every section fits the width", { timeout: 60_000 }, async () => {
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await phone.goto(`${web.url}/admin/tokens`);
  // A new tab has its own session: sign in again; the console keeps the section asked for.
  await signIn(phone, adminToken);
  await phone.getByTestId("token-row").first().waitFor({ timeout: 20_000 });
  expect(new URL(phone.url()).pathname).toBe("/admin/tokens");
  const readyWhen: Record<string, string> = {
    tokens: "token-row",
    keys: "key-default",
    audit: "audit-row",
    requests: "request-form",
    health: "health-status",
  };
  for (const [section, ready] of Object.entries(readyWhen)) {
    await phone.getByTestId(`nav-${section}`).click();
    await phone.getByTestId(ready).first().waitFor({ timeout: 20_000 });
    await shot(`phone-${section}`, phone);
    // Wide tables scroll inside their own box; nothing may widen the page itself.
    const sticksOut = (await phone.evaluate(`[...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest(".scroll"))
      .map((el) => el.tagName + "." + el.className + "[" + (el.getAttribute("data-testid") ?? "") + "]")`)) as string[];
    expect(sticksOut, section).toEqual([]);
    expect(await phone.evaluate("document.documentElement.scrollWidth - window.innerWidth"), section).toBe(0);
  }
  await phone.context().close();
});

test("a token revoked while signed in signs the console out, saying why; sign-out forgets the token", async () => {
  const second = await stack.mintToken({ name: "second admin", scopes: ["admin"] });
  const tab = await (await browser.newContext()).newPage();
  await tab.goto(`${web.url}/admin/health`);
  await signIn(tab, second);
  await tab.getByTestId("health-status").waitFor({ timeout: 20_000 });
  const { tokens } = await api.admin.tokens.list.query();
  await api.admin.tokens.revoke.mutate({ tokenId: tokens.find((t) => t.name === "second admin")!.tokenId });
  // Instances trust a checked token for up to a second: wait until the API refuses it, then act.
  const revoked = createCofferClient({ url: stack.gateway.url, token: second });
  await expect
    .poll(
      () =>
        revoked.admin.health.query().then(
          () => "works",
          (error: { data?: { code?: string } }) => error.data?.code,
        ),
      {
        timeout: 10_000,
        interval: 200,
      },
    )
    .toBe("UNAUTHORIZED");
  await tab.getByTestId("nav-keys").click();
  await tab.getByTestId("admin-notice").waitFor({ timeout: 10_000 });
  expect(await tab.getByTestId("admin-notice").textContent()).toContain("refused your token");
  expect(await tab.evaluate("JSON.stringify(sessionStorage)")).not.toContain(second);
  await shot("revoked-signed-out", tab);

  await page.getByTestId("sign-out").click();
  await page.getByTestId("admin-sign-in").waitFor();
  expect(await page.evaluate("JSON.stringify(sessionStorage)")).not.toContain(adminToken);
  await tab.context().close();
});
