import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { repoRoot } from "@coffer/testkit/repo-root";
import { startTestStack } from "@coffer/testkit/stack";

// The README's promise to callers in other languages: docs/examples/coffer_rest.py, standard
// library only, run by python3 against the local stack (gateway, handlers, KMS emulator, DynamoDB
// Local). .ci/run installs python3 where it is missing.

const run = promisify(execFile);
let stack: Awaited<ReturnType<typeof startTestStack>>;

beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

test("the Python example encrypts, decrypts, stores and reads a record, and sees a 403 with code and reason", async () => {
  const { stdout } = await run("python3", [join(repoRoot, "docs/examples/coffer_rest.py")], {
    env: {
      ...process.env,
      COFFER_URL: stack.gateway.url,
      COFFER_TOKEN: await stack.mintToken({ name: "python", scopes: ["encrypt", "decrypt"] }),
      COFFER_ENCRYPT_ONLY_TOKEN: await stack.mintToken({ name: "python-encrypt", scopes: ["encrypt"] }),
    },
    timeout: 60_000,
  });
  const seen = JSON.parse(stdout) as Record<string, unknown>;
  expect(seen).toMatchObject({
    decrypted: "card 4242",
    record: "a stored secret",
    refusal: { status: 403, code: "FORBIDDEN", reason: "scope_missing" },
  });
  expect(seen.recordId).toMatch(/^[\w-]{22}$/);
});

test("the script fails when Coffer answers otherwise (a token without the decrypt scope)", async () => {
  const failure = await run("python3", [join(repoRoot, "docs/examples/coffer_rest.py")], {
    env: {
      ...process.env,
      COFFER_URL: stack.gateway.url,
      COFFER_TOKEN: await stack.mintToken({ name: "python-weak", scopes: ["encrypt"] }),
    },
    timeout: 60_000,
  }).then(
    () => undefined,
    (error: { code?: number; stderr?: string }) => error,
  );
  expect(failure?.code).toBe(1);
  expect(failure?.stderr).toMatch(/403 FORBIDDEN \(scope_missing\)/);
});
