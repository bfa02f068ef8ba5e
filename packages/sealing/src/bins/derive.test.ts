import { expect, test } from "vitest";
import { randomBytes, toBase64url } from "../bytes";
import { decryptBinContent, encryptBinContent } from "./content";
import {
  deriveBinBytes,
  deriveManageCommitment,
  derivePassphraseKey,
  deriveReadSecrets,
  hashProof,
  PASSPHRASE_ITERATIONS,
} from "./derive";

const kmsKey = Uint8Array.from({ length: 32 }, (_, i) => i);
const browserSecret = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
const secrets = { kmsKey, browserSecret };
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

test("each label gives its own value, the same one every time", async () => {
  const labels = ["content", "manage", "read", "link"] as const;
  const once = await Promise.all(labels.map((label) => deriveBinBytes(kmsKey, label, "bin-a")));
  const again = await Promise.all(labels.map((label) => deriveBinBytes(kmsKey, label, "bin-a")));
  expect(once.map(hex)).toEqual(again.map(hex));
  expect(new Set(once.map(hex)).size).toBe(4);
  expect(once.every((value) => value.length === 32)).toBe(true);
});

test("the bin id and the key are bound into every derivation", async () => {
  const base = hex(await deriveManageCommitment(kmsKey, "bin-a"));
  expect(hex(await deriveManageCommitment(kmsKey, "bin-b"))).not.toBe(base);
  expect(hex(await deriveManageCommitment(randomBytes(32), "bin-a"))).not.toBe(base);
});

test("the reader's secrets need the browser secret: the kms key alone gives other proofs and no content", async () => {
  const whole = await deriveReadSecrets(secrets, "bin-a");
  const serverGuess = await deriveReadSecrets({ kmsKey, browserSecret: new Uint8Array(32) }, "bin-a");
  expect(hex(serverGuess.readProof)).not.toBe(hex(whole.readProof));
  expect(hex(serverGuess.linkProof)).not.toBe(hex(whole.linkProof));
  const sealed = await encryptBinContent({
    contentKey: whole.contentKey,
    binId: "bin-a",
    version: 1,
    plaintext: new TextEncoder().encode("hi"),
  });
  await expect(
    decryptBinContent({ contentKey: serverGuess.contentKey, binId: "bin-a", version: 1, ...sealed }),
  ).rejects.toMatchObject({ reason: "bin_content_unreadable" });
});

test("a passphrase changes the read proof and the content key, never the link proof or the manage commitment", async () => {
  expect(PASSPHRASE_ITERATIONS).toBeGreaterThanOrEqual(600_000);
  const salt = randomBytes(16);
  const [right, wrong] = await Promise.all([
    derivePassphraseKey("correct horse", salt),
    derivePassphraseKey("correct hors", salt),
  ]);
  const plain = await deriveReadSecrets(secrets, "bin-a", undefined);
  const guarded = await deriveReadSecrets(secrets, "bin-a", right);
  const mistaken = await deriveReadSecrets(secrets, "bin-a", wrong);
  expect(new Set([plain, guarded, mistaken].map((s) => hex(s.readProof))).size).toBe(3);
  expect(new Set([plain, guarded, mistaken].map((s) => hex(s.linkProof))).size).toBe(1);
  expect(hex((await deriveReadSecrets(secrets, "bin-a", right)).readProof)).toBe(hex(guarded.readProof));

  const sealed = await encryptBinContent({
    contentKey: guarded.contentKey,
    binId: "bin-a",
    version: 1,
    plaintext: new TextEncoder().encode("hi"),
  });
  const open = (contentKey: typeof plain.contentKey) =>
    decryptBinContent({ contentKey, binId: "bin-a", version: 1, ...sealed });
  expect(new TextDecoder().decode(await open(guarded.contentKey))).toBe("hi");
  await expect(open(plain.contentKey)).rejects.toMatchObject({ reason: "bin_content_unreadable" });
  await expect(open(mistaken.contentKey)).rejects.toMatchObject({ reason: "bin_content_unreadable" });

  // The manage commitment takes the kms key alone: the server recomputes it without anything else.
  expect(deriveManageCommitment.length).toBe(2);
});

test("hashProof is SHA-256", async () => {
  const proof = randomBytes(32);
  const { createHash } = await import("node:crypto");
  expect(hex(await hashProof(proof))).toBe(createHash("sha256").update(proof).digest("hex"));
});

test("the same salt and passphrase stretch to the same key; another salt does not", async () => {
  const salt = randomBytes(16);
  const [a, b, c] = await Promise.all([
    derivePassphraseKey("pw", salt),
    derivePassphraseKey("pw", salt),
    derivePassphraseKey("pw", randomBytes(16)),
  ]);
  expect(toBase64url(a)).toBe(toBase64url(b));
  expect(toBase64url(a)).not.toBe(toBase64url(c));
});
