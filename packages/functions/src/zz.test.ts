import { KMSClient } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createCofferClient } from "@coffer/client";
import { startTestStack } from "@coffer/local/test";
let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => void (stack = await startTestStack()));
afterAll(() => stack.stop());
test("x", async () => {
  const send = KMSClient.prototype.send;
  const spy = vi.spyOn(KMSClient.prototype, "send").mockImplementation(async function (
    this: KMSClient,
    command: never,
  ) {
    const output = await (send as (c: unknown) => Promise<unknown>).call(this, command);
    return output;
  } as never);
  const client = createCofferClient({
    url: stack.gateway.url,
    token: await stack.mintToken({ name: "all", scopes: ["encrypt", "decrypt"] }),
  });
  const context = { run: "abc" };
  const { envelope } = await client.crypto.encrypt.mutate({ keyName: "default", plaintext: "eA", context });
  const r = await client.crypto.decrypt.mutate({ envelope, context }).then(
    () => "ok",
    (e) => e.message,
  );
  console.log("RESULT", r, spy.mock.calls.length);
  expect(1).toBe(1);
});
