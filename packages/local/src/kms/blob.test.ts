// The blob format of spec §4, byte for byte, without HTTP.
import { describe, expect, test } from "vitest";
import { BLOB_OVERHEAD_BYTES, encodeContext, HEADER_BYTES, openBlob, readBlobHeader, sealBlob } from "./blob";

const keyId = "1234abcd-12ab-44cd-96ef-1234567890ab";
const aesKey = Buffer.alloc(32, 1);
const iv = Buffer.alloc(12, 2);
const seal = (plaintext: string, context: Record<string, string> = {}, version = 3) =>
  sealBlob({ keyId, version, aesKey, iv, plaintext: Buffer.from(plaintext), context });

describe("layout", () => {
  test("magic, key id, version and IV make the 36-byte header; 52 bytes of overhead in all", () => {
    const blob = seal("hello");
    expect(HEADER_BYTES).toBe(36);
    expect(BLOB_OVERHEAD_BYTES).toBe(52);
    expect(blob.length).toBe(5 + 52);
    expect(blob.subarray(0, 4).toString("ascii")).toBe("CKE1");
    expect(blob.subarray(4, 20).toString("hex")).toBe(keyId.replace(/-/g, ""));
    expect(blob.readUInt32BE(20)).toBe(3);
    expect(blob.subarray(24, 36).equals(iv)).toBe(true);
    expect(readBlobHeader(blob)).toEqual({ keyId, version: 3 });
  });

  test("a 32-byte data key becomes 84 bytes; 4096 bytes become 4148", () => {
    expect(seal("k".repeat(32)).length).toBe(84);
    expect(seal("p".repeat(4096)).length).toBe(4148);
  });

  test("foreign, short, or version-0 bytes have no header", () => {
    const blob = seal("x");
    expect(readBlobHeader(Buffer.concat([Buffer.from("CKE2"), blob.subarray(4)]))).toBeUndefined();
    expect(readBlobHeader(blob.subarray(0, BLOB_OVERHEAD_BYTES - 1))).toBeUndefined();
    const zero = Buffer.from(blob);
    zero.writeUInt32BE(0, 20);
    expect(readBlobHeader(zero)).toBeUndefined();
  });
});

describe("canonical context", () => {
  test("is a count, then length-prefixed key and value per entry, sorted by key bytes", () => {
    expect(encodeContext({ b: "2", a: "1" }).toString("hex")).toBe(
      "00000002" + "00000001" + "61" + "00000001" + "31" + "00000001" + "62" + "00000001" + "32",
    );
    expect(encodeContext({}).toString("hex")).toBe("00000000");
  });

  test("sorts by UTF-8 bytes, not UTF-16 code units", () => {
    // U+1F600 (a surrogate pair, D83D...) sorts first in UTF-16; in UTF-8 U+FF5E (EF BD 9E) does.
    const encoded = encodeContext({ "\u{1f600}": "y", "\u{ff5e}": "x" });
    expect(encoded.subarray(4, 11).toString("hex")).toBe("00000003" + "efbd9e");
  });

  test('keeps {"ab":"c"} and {"a":"bc"} apart', () => {
    expect(encodeContext({ ab: "c" }).equals(encodeContext({ a: "bc" }))).toBe(false);
  });
});

describe("sealing", () => {
  test("opens with the same key and context, in any order", () => {
    const blob = seal("secret", { x: "1", y: "2" });
    expect(openBlob(blob, aesKey, { y: "2", x: "1" })?.toString()).toBe("secret");
  });

  test("a changed context, key, header byte or tag byte fails authentication", () => {
    const blob = seal("secret", { x: "1" });
    expect(openBlob(blob, aesKey, { x: "2" })).toBeUndefined();
    expect(openBlob(blob, Buffer.alloc(32, 9), { x: "1" })).toBeUndefined();
    for (const index of [0, 5, 21, 30, blob.length - 1]) {
      const tampered = Buffer.from(blob);
      tampered[index]! ^= 0x80;
      expect(openBlob(tampered, aesKey, { x: "1" }), `byte ${index}`).toBeUndefined();
    }
  });
});
