import { expect, test } from "vitest";
import { randomBytes, toBase64url } from "../bytes";
import { decryptBinContent, encryptBinContent } from "./content";
import {
  deriveBinBytes,
  deriveManageCommitment,
  derivePassphraseKey,
  deriveReadSecrets,
  PASSPHRASE_ITERATIONS,
} from "./derive";

const key = Uint8Array.from({ length: 32 }, (_, i) => i);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

test("each label gives its own value, the same one every time", async () => {
  const once = await Promise.all(
    (["content", "manage", "read"] as const).map((label) => deriveBinBytes(key, label, "bin-a")),
  );
  const again = await Promise.all(
    (["content", "manage", "read"] as const).map((label) => deriveBinBytes(key, label, "bin-a")),
  );
  expect(once.map(hex)).toEqual(again.map(hex));
  expect(new Set(once.map(hex)).size).toBe(3);
  expect(once.every((value) => value.length === 32)).toBe(true);
});

test("the bin id and the key are bound into every derivation", async () => {
  const base = hex(await deriveManageCommitment(key, "bin-a"));
  expect(hex(await deriveManageCommitment(key, "bin-b"))).not.toBe(base);
  expect(hex(await deriveManageCommitment(randomBytes(32), "bin-a"))).not.toBe(base);
});

test("a passphrase changes the read proof and the content key, never the manage commitment", async () => {
  expect(PASSPHRASE_ITERATIONS).toBeGreaterThanOrEqual(600_000);
  const salt = randomBytes(16);
  const [right, wrong] = await Promise.all([
    derivePassphraseKey("correct horse", salt),
    derivePassphraseKey("correct hors", salt),
  ]);
  const plain = await deriveReadSecrets(key, "bin-a", undefined);
  const guarded = await deriveReadSecrets(key, "bin-a", right);
  const mistaken = await deriveReadSecrets(key, "bin-a", wrong);
  expect(new Set([plain, guarded, mistaken].map((s) => hex(s.readProof))).size).toBe(3);
  expect(hex((await deriveReadSecrets(key, "bin-a", right)).readProof)).toBe(hex(guarded.readProof));

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

  // The manage commitment takes the key alone: the server recomputes it without any passphrase.
  expect(deriveManageCommitment.length).toBe(2);
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
