import { createDecipheriv, hkdfSync, pbkdf2Sync } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { decodeBinPayload, deriveManageCommitment, openBin, unlockBin } from ".";

// docs/bin-vectors.json pins the v1 format that docs/bins.md describes. Each vector is replayed
// twice: through this module (what the browser and the server run) and through an independent
// node:crypto reading of the spec, so a changed label or layout cannot slip through either side.

interface Vector {
  name: string;
  key: string;
  binId: string;
  version: number;
  passphrase?: string;
  passphraseSalt?: string;
  manageCommitment: string;
  readProof: string;
  iv: string;
  ciphertext: string;
  plaintext: string;
}

const { vectors } = JSON.parse(
  readFileSync(new URL("../../../../docs/bin-vectors.json", import.meta.url), "utf8"),
) as {
  vectors: Vector[];
};
const hex = (value: string) => Buffer.from(value, "hex");

function bySpec(vector: Vector) {
  const key = hex(vector.key);
  const stretched = vector.passphraseSalt
    ? pbkdf2Sync(vector.passphrase!.normalize("NFC"), hex(vector.passphraseSalt), 600_000, 32, "sha256")
    : Buffer.alloc(0);
  const hkdf = (ikm: Buffer, label: string) =>
    Buffer.from(hkdfSync("sha256", ikm, Buffer.alloc(0), `coffer/bin/v1/${label}\0${vector.binId}`, 32));
  const readIkm = Buffer.concat([key, stretched]);
  const decipher = createDecipheriv("aes-256-gcm", hkdf(readIkm, "content"), hex(vector.iv));
  decipher.setAAD(Buffer.from(`coffer/bin/v1/aad\0${vector.binId}\0${vector.version}`));
  const sealed = hex(vector.ciphertext);
  decipher.setAuthTag(sealed.subarray(-16));
  const plaintext = Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()]);
  return { manageCommitment: hkdf(key, "manage"), readProof: hkdf(readIkm, "read"), plaintext };
}

test.each(vectors)("$name: the spec, read independently, gives the pinned values", (vector) => {
  const spec = bySpec(vector);
  expect(spec.manageCommitment.toString("hex")).toBe(vector.manageCommitment);
  expect(spec.readProof.toString("hex")).toBe(vector.readProof);
  expect(spec.plaintext.toString("hex")).toBe(vector.plaintext);
});

test.each(vectors)("$name: this module gives the pinned values", async (vector) => {
  const key = hex(vector.key);
  expect(Buffer.from(await deriveManageCommitment(key, vector.binId)).toString("hex")).toBe(
    vector.manageCommitment,
  );
  const passphraseSalt = vector.passphraseSalt ? hex(vector.passphraseSalt) : undefined;
  const { contentKey, readProof } = await unlockBin({
    key,
    binId: vector.binId,
    passphrase: vector.passphrase,
    passphraseSalt,
  });
  expect(Buffer.from(readProof).toString("hex")).toBe(vector.readProof);
  const payload = await openBin({
    contentKey,
    binId: vector.binId,
    version: vector.version,
    iv: hex(vector.iv),
    ciphertext: hex(vector.ciphertext),
  });
  expect(payload).toEqual(decodeBinPayload(new Uint8Array(hex(vector.plaintext))));
});
