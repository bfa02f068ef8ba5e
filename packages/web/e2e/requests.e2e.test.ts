import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { type CofferClient, createCofferClient } from "@coffer/client";
import { decodeBinPayload } from "@coffer/sealing/bins";
import type { SeenRequest } from "@coffer/local/gateway";
import { launchChromium, screenshotDir } from "@coffer/testkit/browser";
import { startTestStack } from "@coffer/testkit/stack";
import { serveWebSite, type WebSite } from "./web-site";

// Request links in Debian's Chromium against the local stack: an admin makes a link, a second
// browser context (the person asked) opens it and sends a text and a file, sealed in the page; the
// requester reads both back with a decrypt token, and the link then says it is used up.

let stack: Awaited<ReturnType<typeof startTestStack>>;
let web: WebSite;
let browser: Browser;
let admin: CofferClient;
let reader: CofferClient;
const seen: SeenRequest[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startTestStack({ onRequest: (request) => seen.push(request) }),
    launchChromium(),
  ]);
  web = await serveWebSite({ dist: inject("webBuild"), apiUrl: stack.gateway.url });
  admin = createCofferClient({
    url: stack.gateway.url,
    token: await stack.mintToken({ name: "requester", scopes: ["admin"] }),
  });
  reader = createCofferClient({
    url: stack.gateway.url,
    token: await stack.mintToken({ name: "reader", scopes: ["decrypt"] }),
  });
});
afterAll(async () => {
  await browser?.close();
  await web?.close();
  await stack?.stop();
});

test(
  "a request link takes a text and a file, sealed in the browser, then says it is used up",
  { timeout: 120_000 },
  async () => {
    const note = "Alice from payroll: please send the new SFTP password and the deploy key.";
    const link = await admin.requests.create.mutate({ note, maxSubmissions: 2 });
    const secretText = `sftp-${randomBytes(9).toString("hex")}`;
    const fileBytes = randomBytes(3000);
    fileBytes.write("DEPLOYKEYMARKER", 0);

    const dir = screenshotDir("request-link");
    let step = 0;
    const context = await browser.newContext(); // the person asked: nothing shared with the admin
    const page: Page = await context.newPage();
    const shot = (name: string) =>
      page.screenshot({ path: join(dir, `${String(++step).padStart(2, "0")}-${name}.png`), fullPage: true });

    await page.goto(`${web.url}${link.path}`);
    await page.getByTestId("request-note").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("request-note").textContent()).toBe(note);
    expect(await page.getByTestId("request-explainer").textContent()).toContain("encrypted in this browser");
    expect(await page.getByTestId("request-explainer").textContent()).toContain("2 more submissions");
    await page.getByTestId("secret-text").fill(secretText);
    await shot("text-filled");
    await page.getByTestId("request-submit").click();
    await page.getByTestId("request-sent").waitFor({ timeout: 20_000 });
    await page.getByText("1 more submission").waitFor();
    await shot("text-sent");

    await page.getByTestId("secret-file").setInputFiles({
      name: "deploy-key.bin",
      mimeType: "application/octet-stream",
      buffer: fileBytes,
    });
    await shot("file-chosen");
    await page.getByTestId("request-submit").click();
    await page.getByTestId("request-closed").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("request-closed").textContent()).toContain("used up");
    await shot("used-up");

    // The requester finds the records through the link, and reads them with a decrypt token.
    const { requests } = await admin.requests.list.query();
    const mine = requests.find((request) => request.requestId === link.requestId)!;
    expect(mine).toMatchObject({ state: "used_up", remaining: 0 });
    expect(mine.recordIds).toHaveLength(2);
    const payloads = await Promise.all(
      mine.recordIds.map(async (recordId) =>
        decodeBinPayload(Buffer.from((await reader.records.get.query({ recordId })).plaintext, "base64url")),
      ),
    );
    expect(payloads).toContainEqual({ kind: "text", text: secretText });
    const file = payloads.find((payload) => payload.kind === "file");
    expect(file).toMatchObject({ kind: "file", name: "deploy-key.bin", type: "application/octet-stream" });
    expect(Buffer.from(file!.kind === "file" ? file!.bytes : []).equals(fileBytes)).toBe(true);

    // A fresh visit says so too, and no request carried the plaintext, the file, or the link secret.
    const again = await (await browser.newContext()).newPage();
    await again.goto(`${web.url}${link.path}`);
    await again.getByTestId("request-closed").waitFor({ timeout: 20_000 });
    await again.screenshot({
      path: join(dir, `${String(++step).padStart(2, "0")}-reopened.png`),
      fullPage: true,
    });
    const submits = seen.filter((request) => request.url.includes("requests.submit"));
    expect(submits).toHaveLength(2);
    for (const request of seen) {
      const wire = `${request.url} ${request.body}`;
      expect(wire).not.toContain(secretText);
      expect(wire).not.toContain(Buffer.from(secretText).toString("base64url"));
      expect(wire).not.toContain("DEPLOYKEYMARKER");
      expect(wire).not.toContain(fileBytes.subarray(0, 64).toString("base64url"));
      expect(request.url).not.toContain(link.secret);
    }
  },
);

test("an unknown or damaged link says so plainly", { timeout: 60_000 }, async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${web.url}/r/AAAAAAAAAAAAAAAAAAAAAA#${"A".repeat(43)}`);
  await page.getByTestId("request-error").waitFor({ timeout: 20_000 });
  expect(await page.getByTestId("request-error").textContent()).toContain("does not exist");
  await page.goto(`${web.url}/r/AAAAAAAAAAAAAAAAAAAAAA`);
  await page.getByTestId("request-error").waitFor({ timeout: 20_000 });
  expect(await page.getByTestId("request-error").textContent()).toContain("incomplete");
});
