import { expect, test } from "vitest";
import { fromBase64url, randomBytes, toBase64url } from "../bytes";
import { deriveManageCommitment } from "./derive";
import { hashProof } from "./derive";
import { newBrowserSecret, openBin, sealBin, unlockBin } from "./seal";

const key = randomBytes(32);
const secrets = { kmsKey: key, browserSecret: newBrowserSecret() };

test("text and files round-trip, and a file's name and type are inside the ciphertext", async () => {
  const file = {
    kind: "file" as const,
    name: "secret-plans.pdf",
    type: "application/pdf",
    bytes: randomBytes(4096),
  };
  for (const payload of [{ kind: "text" as const, text: "tëxt ✓ with\nnewlines" }, file]) {
    const sealed = await sealBin({ secrets, binId: "b1", version: 1, payload });
    expect(Buffer.from(sealed.ciphertext).includes(Buffer.from("secret-plans"))).toBe(false);
    const { contentKey } = await unlockBin({ secrets, binId: "b1" });
    expect(await openBin({ contentKey, binId: "b1", version: 1, ...sealed })).toEqual(payload);
  }
});

test("the AAD binds the bin id and the version", async () => {
  const sealed = await sealBin({ secrets, binId: "b1", version: 2, payload: { kind: "text", text: "v2" } });
  const { contentKey } = await unlockBin({ secrets, binId: "b1" });
  await expect(openBin({ contentKey, binId: "b1", version: 1, ...sealed })).rejects.toMatchObject({
    reason: "bin_content_unreadable",
  });
  const other = await unlockBin({ secrets, binId: "b2" });
  await expect(
    openBin({ contentKey: other.contentKey, binId: "b2", version: 2, ...sealed }),
  ).rejects.toMatchObject({ reason: "bin_content_unreadable" });
});

test("a passphrase-sealed bin opens only with the passphrase; the commitment ignores it", async () => {
  const sealed = await sealBin({
    secrets,
    binId: "b3",
    version: 1,
    payload: { kind: "text", text: "behind a passphrase" },
    passphrase: "hunter2",
  });
  expect(sealed.passphraseSalt).toHaveLength(16);
  expect(toBase64url(sealed.manageCommitment)).toBe(toBase64url(await deriveManageCommitment(key, "b3")));
  const right = await unlockBin({
    secrets,
    binId: "b3",
    passphrase: "hunter2",
    passphraseSalt: sealed.passphraseSalt,
  });
  expect(toBase64url(right.readProof)).toBe(toBase64url(sealed.readProof));
  expect(toBase64url(await hashProof(right.readProof))).toBe(toBase64url(sealed.readProofHash));
  expect(toBase64url(await hashProof(right.linkProof))).toBe(toBase64url(sealed.linkProofHash));
  expect(await openBin({ contentKey: right.contentKey, binId: "b3", version: 1, ...sealed })).toEqual({
    kind: "text",
    text: "behind a passphrase",
  });
  const wrong = await unlockBin({
    secrets,
    binId: "b3",
    passphrase: "hunter3",
    passphraseSalt: sealed.passphraseSalt,
  });
  expect(toBase64url(wrong.readProof)).not.toBe(toBase64url(sealed.readProof));
});

test("base64url matches Node's encoder and refuses anything else", () => {
  for (const length of [0, 1, 2, 3, 31, 32, 70_000]) {
    const bytes = randomBytes(length);
    expect(toBase64url(bytes)).toBe(Buffer.from(bytes).toString("base64url"));
    expect(Buffer.from(fromBase64url(toBase64url(bytes)))).toEqual(Buffer.from(bytes));
  }
  expect(() => fromBase64url("ab+c")).toThrow();
  expect(() => fromBase64url("abcde")).toThrow();
});
