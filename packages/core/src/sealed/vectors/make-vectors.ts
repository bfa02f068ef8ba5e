// Writes docs/sealed-vectors.json. Run once per format change:
//   npx tsx packages/core/src/sealed/vectors/make-vectors.ts
// It seals with node:crypto alone, straight from docs/sealed.md, so the tests that replay the file
// through @coffer/sealing (WebCrypto) and core's opener check two implementations against each
// other. RSA-OAEP is randomised, so each run writes different wrapped keys; the tests replay the file.
import {
  constants,
  createCipheriv,
  createHash,
  createPublicKey,
  generateKeyPairSync,
  publicEncrypt,
} from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SealedVector, SealedVectorFile } from "@coffer/sealing/sealed";

const bytes = (label: string, length: number) =>
  createHash("shake256", { outputLength: length }).update(`coffer sealed vector: ${label}`).digest();
const hex = (data: Uint8Array) => Buffer.from(data).toString("hex");
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest();

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 3072 });
const spki = publicKey.export({ format: "der", type: "spki" });
const other = generateKeyPairSync("rsa", { modulusLength: 3072 }).publicKey.export({
  format: "der",
  type: "spki",
});

const T = Date.UTC(2026, 0, 1);

interface Recipe {
  plaintext: Buffer;
  timestampMs?: number;
  label: string;
  /** Overrides, to build the refusals. */
  digest?: Buffer;
  spki?: Buffer;
}

/** docs/sealed.md, step by step. */
function seal(recipe: Recipe) {
  const keySpki = recipe.spki ?? spki;
  const timestampMs = recipe.timestampMs ?? T;
  const nonce = bytes(`${recipe.label}/nonce`, 16);
  const aesKey = bytes(`${recipe.label}/key`, 32);
  const iv = bytes(`${recipe.label}/iv`, 12);
  const wrapped = publicEncrypt(
    {
      key: createPublicKey({ key: keySpki, format: "der", type: "spki" }),
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: "sha256",
    },
    aesKey,
  );
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64BE(BigInt(timestampMs));
  const aad = Buffer.concat([
    Buffer.from([1]),
    sha256(keySpki),
    timestamp,
    nonce,
    recipe.digest ?? sha256(recipe.plaintext),
  ]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(wrapped.length);
  const cipher = createCipheriv("aes-256-gcm", aesKey, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(recipe.plaintext), cipher.final(), cipher.getAuthTag()]);
  return { sealed: Buffer.concat([aad, length, wrapped, iv, ciphertext]), timestampMs, nonce, aesKey, iv };
}

function ok(name: string, description: string, plaintext: Buffer, nowMs = T): SealedVector {
  const sealed = seal({ plaintext, label: name });
  return {
    name,
    description,
    expect: "ok",
    nowMs,
    sealed: hex(sealed.sealed),
    plaintext: hex(plaintext),
    timestampMs: sealed.timestampMs,
    nonce: hex(sealed.nonce),
    aesKey: hex(sealed.aesKey),
    iv: hex(sealed.iv),
  };
}

function refused(name: string, description: string, expect: string, sealed: Buffer, nowMs = T): SealedVector {
  return { name, description, expect, nowMs, sealed: hex(sealed) };
}

const flip = (data: Buffer, at: number) => {
  const out = Buffer.from(data);
  out[at]! ^= 0x01;
  return out;
};

const base = seal({ plaintext: Buffer.from("the base payload"), label: "base" }).sealed;
const WINDOW = 5 * 60_000;
const L = base.readUInt16BE(89);

const file: SealedVectorFile = {
  description:
    "Sealed input format v1 (docs/sealed.md). The RSA key below exists only for these vectors. Regenerate with packages/core/src/sealed/vectors/make-vectors.ts.",
  spki: hex(spki),
  privateKeyPkcs8: hex(privateKey.export({ format: "der", type: "pkcs8" })),
  fingerprint: hex(sha256(spki)),
  vectors: [
    ok("text", "A short UTF-8 text.", Buffer.from("hello, sealed world")),
    ok("empty", "An empty plaintext is valid: the digest is SHA-256 of nothing.", Buffer.alloc(0)),
    ok("binary", "1 KiB of binary data.", bytes("binary/plaintext", 1024)),
    ok(
      "edge of the window, old",
      "Exactly 5 minutes old is still accepted.",
      Buffer.from("late"),
      T + WINDOW,
    ),
    ok(
      "edge of the window, ahead",
      "Exactly 5 minutes ahead is still accepted.",
      Buffer.from("early"),
      T - WINDOW,
    ),
    refused("expired", "One millisecond past the 5-minute window.", "sealed_expired", base, T + WINDOW + 1),
    refused(
      "from the future",
      "Timestamp more than 5 minutes ahead of the server.",
      "sealed_from_future",
      base,
      T - WINDOW - 1,
    ),
    refused(
      "wrong version",
      "Version byte 2.",
      "sealed_malformed",
      Buffer.concat([Buffer.from([2]), base.subarray(1)]),
    ),
    refused(
      "truncated",
      "The tag's last byte is missing.",
      "sealed_malformed",
      base.subarray(0, 91 + L + 12 + 15),
    ),
    refused(
      "sealed to another key",
      "The fingerprint names a key that is not the service's.",
      "sealed_key_unknown",
      seal({ plaintext: Buffer.from("x"), label: "other", spki: other }).sealed,
    ),
    refused(
      "wrapped key altered",
      "One bit of the RSA ciphertext flipped.",
      "sealed_key_invalid",
      flip(base, 91 + 10),
    ),
    refused("nonce altered", "The nonce is in the AAD.", "sealed_tampered", flip(base, 41)),
    refused("digest altered", "The digest is in the AAD.", "sealed_tampered", flip(base, 57)),
    refused(
      "timestamp altered within the window",
      "The timestamp is in the AAD.",
      "sealed_tampered",
      flip(base, 40),
    ),
    refused("iv altered", "One bit of the IV flipped.", "sealed_tampered", flip(base, 91 + L)),
    refused(
      "ciphertext altered",
      "One bit of the ciphertext flipped.",
      "sealed_tampered",
      flip(base, 91 + L + 12),
    ),
    refused(
      "tag altered",
      "The last byte of the tag flipped.",
      "sealed_tampered",
      flip(base, base.length - 1),
    ),
    refused(
      "wrong digest",
      "A sealer that hashed something else: GCM passes, the digest does not.",
      "sealed_digest_mismatch",
      seal({
        plaintext: Buffer.from("what was sent"),
        label: "digest",
        digest: sha256(Buffer.from("something else")),
      }).sealed,
    ),
  ],
};

const target = fileURLToPath(new URL("../../../../../docs/sealed-vectors.json", import.meta.url));
writeFileSync(target, `${JSON.stringify(file, null, 2)}\n`);
console.log(`wrote ${file.vectors.length} vectors to ${target}`);
