import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createCofferClient } from "@coffer/client";
import { openBin, sealBin, unlockBin } from "@coffer/sealing/bins";
import { limits } from "@coffer/core/config";
import { b64 } from "@coffer/testkit/b64";
import { sealForCreate } from "@coffer/testkit/bins";
import { startTestStack } from "@coffer/testkit/stack";
import { refusalOf } from "@coffer/testkit/refusal";

// Secure bins through the local gateway: the same handlers, HTTP and error mapping as in AWS.

let stack: Awaited<ReturnType<typeof startTestStack>>;
let client: ReturnType<typeof createCofferClient>;
beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation(() => {}); // the handlers log every refusal, as they should
  stack = await startTestStack();
  client = createCofferClient({ url: stack.gateway.url });
});
afterAll(() => stack?.stop());

async function makeBin(options: Parameters<typeof sealForCreate>[1] = {}) {
  const issued = await client.bins.issueKey.mutate();
  const made = await sealForCreate(issued, options);
  await client.bins.create.mutate(made.wire);
  return { ...issued, ...made };
}

test("a bin goes from issue to reveal over HTTP, and is gone after its one read", async () => {
  const bin = await makeBin();
  expect(await client.bins.get.query({ binId: bin.binId })).toMatchObject({
    exists: true,
    readsLeft: 1,
    needsPassphrase: false,
  });
  const { contentKey } = await unlockBin({ secrets: bin.secrets, binId: bin.binId });
  const revealed = await client.bins.reveal.mutate(bin.revealWire);
  const opened = await openBin({
    contentKey,
    binId: bin.binId,
    version: revealed.version,
    iv: Buffer.from(revealed.iv, "base64url"),
    ciphertext: Buffer.from((revealed as { ciphertext: string }).ciphertext, "base64url"),
  });
  expect(opened).toEqual(bin.payload);
  expect(await client.bins.get.query({ binId: bin.binId })).toEqual({ exists: false });
  expect(await refusalOf(client.bins.reveal.mutate(bin.revealWire))).toBe("NOT_FOUND:bin_gone");
});

test("proof failures are FORBIDDEN, stale versions CONFLICT, and neither changes the bin", async () => {
  const bin = await makeBin({ maxReads: 3 });
  const other = await makeBin();
  const sealed = await sealBin({
    secrets: bin.secrets,
    binId: bin.binId,
    version: 2,
    payload: { kind: "text", text: "new" },
  });
  const update = {
    binId: bin.binId,
    version: 1,
    kind: "text" as const,
    ciphertext: b64(sealed.ciphertext),
    iv: b64(sealed.iv),
    linkProofHash: b64(sealed.linkProofHash),
    readProofHash: b64(sealed.readProofHash),
  };
  expect(await refusalOf(client.bins.update.mutate({ ...update, wrappedKey: other.wrappedKey }))).toBe(
    "FORBIDDEN:manage_proof_refused",
  );
  expect(await refusalOf(client.bins.update.mutate(update))).toBe("FORBIDDEN:manage_proof_refused");
  expect(await refusalOf(client.bins.delete.mutate({ binId: bin.binId, wrappedKey: other.wrappedKey }))).toBe(
    "FORBIDDEN:manage_proof_refused",
  );
  expect(await client.bins.get.query({ binId: bin.binId })).toMatchObject({
    exists: true,
    version: 1,
    readsLeft: 3,
  });
  expect(
    await refusalOf(client.bins.reveal.mutate({ ...bin.revealWire, linkProof: b64(new Uint8Array(32)) })),
  ).toBe("FORBIDDEN:bin_read_proof_wrong");
  expect(await refusalOf(client.bins.update.mutate({ ...update, wrappedKey: bin.wrappedKey }))).toBe("ok");
  expect(await refusalOf(client.bins.update.mutate({ ...update, wrappedKey: bin.wrappedKey }))).toBe(
    "CONFLICT:bin_version_stale",
  );
  // The owner may bring the expiry forward, never push it back or into the past.
  const { expiresAt } = (await client.bins.get.query({ binId: bin.binId })) as { expiresAt: number };
  const setExpiry = (at: number) =>
    refusalOf(client.bins.setExpiry.mutate({ binId: bin.binId, wrappedKey: bin.wrappedKey, expiresAt: at }));
  expect(await setExpiry(expiresAt + 60)).toBe("BAD_REQUEST:bin_expiry_refused");
  expect(await setExpiry(1)).toBe("BAD_REQUEST:bin_expiry_refused");
  expect(
    await refusalOf(
      client.bins.setExpiry.mutate({
        binId: bin.binId,
        wrappedKey: other.wrappedKey,
        expiresAt: expiresAt - 60,
      }),
    ),
  ).toBe("FORBIDDEN:manage_proof_refused");
  expect(await setExpiry(expiresAt - 60)).toBe("ok");
  expect(await client.bins.get.query({ binId: bin.binId })).toMatchObject({ expiresAt: expiresAt - 60 });
  expect(await refusalOf(client.bins.delete.mutate({ binId: bin.binId, wrappedKey: bin.wrappedKey }))).toBe(
    "ok",
  );
});

test("an oversized ciphertext is BAD_REQUEST before any KMS call", async () => {
  const issued = await client.bins.issueKey.mutate();
  const { wire } = await sealForCreate(issued);
  stack.kms.resetCounts();
  const tooBig = b64(new Uint8Array(limits.maxBinCiphertextBytes + 1));
  const error = await client.bins.create
    .mutate({ ...wire, ciphertext: tooBig })
    .catch((e: TRPCClientError<never>) => e);
  expect(error).toBeInstanceOf(TRPCClientError);
  expect((error as TRPCClientError<never>).data).toMatchObject({
    code: "BAD_REQUEST",
    issues: [{ path: "ciphertext" }],
  });
  expect(await refusalOf(client.bins.create.mutate({ ...wire, expiresInSeconds: 60 }))).toBe("BAD_REQUEST");
  expect(await refusalOf(client.bins.create.mutate({ ...wire, maxReads: 101 }))).toBe("BAD_REQUEST");
  expect(stack.kms.requestCounts()).toEqual({});
});

// Last in this file: it spends the source IP's issueKey budget for the window.
test("past the per-IP budget, issueKey answers TOO_MANY_REQUESTS (HTTP 429)", async () => {
  const budget = limits.binRateLimits.issueKey.max;
  const issueKey = () =>
    fetch(`${stack.gateway.url}/api/bins.issueKey`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
  // Sequential and capped at two windows' budget, so a burst that straddles a window still ends in a 429.
  let response = await issueKey();
  for (let calls = 1; response.status !== 429 && calls <= 2 * budget; calls++) response = await issueKey();
  expect(response.status).toBe(429);
  const body = (await response.json()) as {
    error: { message: string; data: { code: string; details: { retryAfterSeconds: number } } };
  };
  expect(body.error.data.code).toBe("TOO_MANY_REQUESTS");
  expect(body.error.message).toMatch(/^Too many requests from your network\. Wait \d+ seconds/);
  expect(body.error.data.details.retryAfterSeconds).toBeGreaterThan(0);
  expect(await refusalOf(client.bins.issueKey.mutate())).toBe("TOO_MANY_REQUESTS:rate_limited");
});
