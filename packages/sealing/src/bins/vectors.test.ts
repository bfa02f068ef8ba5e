import { createDecipheriv, createHash, hkdfSync, pbkdf2Sync } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { decodeBinPayload, deriveManageCommitment, hashProof, openBin, unlockBin } from ".";

// docs/bin-vectors.json pins the v2 format that docs/bins.md describes. Each vector is replayed
// twice: through this module (what the browser and the server run) and through an independent
// node:crypto reading of the spec, so a changed label or layout cannot slip through either side.

interface Vector {
  name: string;
  expect: "ok" | "bin_content_unreadable";
  kmsKey: string;
  browserSecret: string;
  shareFragment: string;
  binId: string;
  version: number;
  passphrase?: string;
  passphraseSalt?: string;
  passphraseKey?: string;
  manageCommitment: string;
  linkProof: string;
  linkProofHash: string;
  readProof: string;
  readProofHash: string;
  contentKey: string;
  iv: string;
  ciphertext: string;
  plaintext: string;
}

const { vectors } = JSON.parse(
  readFileSync(new URL("../../../../docs/bin-vectors.json", import.meta.url), "utf8"),
) as { vectors: Vector[] };
const hex = (value: string) => Buffer.from(value, "hex");
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest();

function bySpec(vector: Vector) {
  const [kmsPart, browserPart] = vector.shareFragment.split(".");
  const kmsKey = Buffer.from(kmsPart!, "base64url");
  const browserSecret = Buffer.from(browserPart!, "base64url");
  const stretched = vector.passphraseSalt
    ? pbkdf2Sync(vector.passphrase!.normalize("NFC"), hex(vector.passphraseSalt), 600_000, 32, "sha256")
    : Buffer.alloc(0);
  const hkdf = (ikm: Buffer, label: string) =>
    Buffer.from(hkdfSync("sha256", ikm, Buffer.alloc(0), `coffer/bin/v2/${label}\0${vector.binId}`, 32));
  const linkIkm = Buffer.concat([kmsKey, browserSecret]);
  const readIkm = Buffer.concat([linkIkm, stretched]);
  const contentKey = hkdf(readIkm, "content");
  const decipher = createDecipheriv("aes-256-gcm", contentKey, hex(vector.iv));
  decipher.setAAD(Buffer.from(`coffer/bin/v2/aad\0${vector.binId}\0${vector.version}`));
  const sealed = hex(vector.ciphertext);
  decipher.setAuthTag(sealed.subarray(-16));
  let plaintext: Buffer | "bin_content_unreadable";
  try {
    plaintext = Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()]);
  } catch {
    plaintext = "bin_content_unreadable";
  }
  const linkProof = hkdf(linkIkm, "link");
  const readProof = hkdf(readIkm, "read");
  return {
    kmsKey,
    browserSecret,
    passphraseKey: stretched,
    manageCommitment: hkdf(kmsKey, "manage"),
    linkProof,
    linkProofHash: sha256(linkProof),
    readProof,
    readProofHash: sha256(readProof),
    contentKey,
    plaintext,
  };
}

test.each(vectors)("$name: the spec, read independently, gives the pinned values", (vector) => {
  const spec = bySpec(vector);
  expect(spec.kmsKey.toString("hex")).toBe(vector.kmsKey);
  expect(spec.browserSecret.toString("hex")).toBe(vector.browserSecret);
  if (vector.passphraseKey) expect(spec.passphraseKey.toString("hex")).toBe(vector.passphraseKey);
  for (const name of [
    "manageCommitment",
    "linkProof",
    "linkProofHash",
    "readProof",
    "readProofHash",
    "contentKey",
  ] as const) {
    expect(spec[name].toString("hex"), name).toBe(vector[name]);
  }
  expect(spec.plaintext === "bin_content_unreadable" ? spec.plaintext : "ok").toBe(vector.expect);
  if (vector.expect === "ok") expect((spec.plaintext as Buffer).toString("hex")).toBe(vector.plaintext);
});

test.each(vectors)("$name: this module gives the pinned values", async (vector) => {
  const secrets = { kmsKey: hex(vector.kmsKey), browserSecret: hex(vector.browserSecret) };
  expect(Buffer.from(await deriveManageCommitment(secrets.kmsKey, vector.binId)).toString("hex")).toBe(
    vector.manageCommitment,
  );
  const passphraseSalt = vector.passphraseSalt ? hex(vector.passphraseSalt) : undefined;
  const { contentKey, linkProof, readProof } = await unlockBin({
    secrets,
    binId: vector.binId,
    passphrase: vector.passphrase,
    passphraseSalt,
  });
  expect(Buffer.from(linkProof).toString("hex")).toBe(vector.linkProof);
  expect(Buffer.from(readProof).toString("hex")).toBe(vector.readProof);
  expect(Buffer.from(await hashProof(readProof)).toString("hex")).toBe(vector.readProofHash);
  expect(Buffer.from(await hashProof(linkProof)).toString("hex")).toBe(vector.linkProofHash);
  const opened = openBin({
    contentKey,
    binId: vector.binId,
    version: vector.version,
    iv: hex(vector.iv),
    ciphertext: hex(vector.ciphertext),
  });
  if (vector.expect === "ok")
    expect(await opened).toEqual(decodeBinPayload(new Uint8Array(hex(vector.plaintext))));
  else await expect(opened).rejects.toMatchObject({ reason: vector.expect });
});
