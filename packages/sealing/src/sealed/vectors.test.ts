import { constants, createPrivateKey, privateDecrypt } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { fingerprintOf, parseSealed, sealPayload, type SealedVectorFile } from ".";

// The other direction: this package (WebCrypto, what the browser runs) seals each "ok" vector's
// plaintext with the vector's random inputs, and must produce the vector's bytes, except the RSA
// ciphertext, which OAEP randomises: that one must unwrap to the vector's AES key.
const file = JSON.parse(
  readFileSync(new URL("../../../../docs/sealed-vectors.json", import.meta.url), "utf8"),
) as SealedVectorFile;
const hex = (value: string) => Buffer.from(value, "hex");
const privateKey = createPrivateKey({ key: hex(file.privateKeyPkcs8), format: "der", type: "pkcs8" });
const unwrap = (wrapped: Uint8Array) =>
  privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, wrapped);
/** Every field as hex, the RSA ciphertext as its length only. */
const withoutWrappedKey = (sealed: Uint8Array) => {
  const { wrappedKey, ...rest } = parseSealed(new Uint8Array(sealed));
  const fields = Object.entries(rest).map(([name, value]) => [
    name,
    value instanceof Uint8Array ? Buffer.from(value).toString("hex") : value,
  ]);
  return { ...Object.fromEntries(fields), wrappedKeyBytes: wrappedKey.length };
};

test("the fingerprint is SHA-256 of the SPKI", async () => {
  expect(Buffer.from(await fingerprintOf(hex(file.spki))).toString("hex")).toBe(file.fingerprint);
});

test.each(file.vectors.filter((vector) => vector.expect === "ok"))(
  "sealing reproduces $name",
  async (vector) => {
    const sealed = await sealPayload({
      spki: hex(file.spki),
      plaintext: hex(vector.plaintext!),
      timestampMs: vector.timestampMs!,
      randomness: { aesKey: hex(vector.aesKey!), iv: hex(vector.iv!), nonce: hex(vector.nonce!) },
    });
    expect(withoutWrappedKey(sealed)).toEqual(withoutWrappedKey(hex(vector.sealed)));
    expect(unwrap(parseSealed(sealed).wrappedKey).toString("hex")).toBe(vector.aesKey);
  },
);

test("without fixed randomness, two seals of one plaintext share nothing random", async () => {
  const spki = hex(file.spki);
  const [a, b] = await Promise.all([1, 2].map(() => sealPayload({ spki, plaintext: new Uint8Array(8) })));
  const [pa, pb] = [parseSealed(a!), parseSealed(b!)];
  expect(Buffer.from(pa.nonce).equals(Buffer.from(pb.nonce))).toBe(false);
  expect(Buffer.from(pa.iv).equals(Buffer.from(pb.iv))).toBe(false);
  expect(unwrap(pa.wrappedKey).equals(unwrap(pb.wrappedKey))).toBe(false);
});

test.each([
  ["empty", new Uint8Array(0)],
  ["header only", new Uint8Array(91)],
  ["version 2", Uint8Array.from([2, ...new Uint8Array(700)])],
])("parseSealed refuses %s as sealed_malformed", (_, bytes) => {
  expect(() => parseSealed(bytes)).toThrow(expect.objectContaining({ reason: "sealed_malformed" }));
});
