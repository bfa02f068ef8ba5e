import { constants, createPrivateKey, privateDecrypt } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { CofferError } from "../errors";
import { openSealedBytes } from "./open";
import { sealedRefusal } from "./refusals";
import type { SealedVectorFile } from "@coffer/sealing/sealed";

// docs/sealed-vectors.json, made by node:crypto from the spec alone (vectors/make-vectors.ts), is
// replayed through the server's opener. KMS's part, the RSA-OAEP unwrap, is done here with the
// vectors' private key; the opener's checks and cryptography are the ones the service runs.
const file = JSON.parse(
  readFileSync(new URL("../../../../docs/sealed-vectors.json", import.meta.url), "utf8"),
) as SealedVectorFile;
const hex = (value: string) => Buffer.from(value, "hex");
const privateKey = createPrivateKey({ key: hex(file.privateKeyPkcs8), format: "der", type: "pkcs8" });

async function unwrap(wrapped: Uint8Array): Promise<Buffer> {
  try {
    return privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
      wrapped,
    );
  } catch (error) {
    throw sealedRefusal("sealed_key_invalid", error); // what the service makes of KMS's InvalidCiphertextException
  }
}

test.each(file.vectors)("$name → $expect", async (vector) => {
  const outcome = await openSealedBytes(hex(vector.sealed), {
    fingerprint: hex(file.fingerprint),
    nowMs: vector.nowMs,
    unwrap,
  }).then(
    ({ plaintext }) => ({ ok: plaintext.toString("hex") }),
    (error: unknown) => ({ refused: error instanceof CofferError ? error.reason : String(error) }),
  );
  expect(outcome).toEqual(vector.expect === "ok" ? { ok: vector.plaintext } : { refused: vector.expect });
});

test("the vectors cover every refusal but the replay, which needs the table (service.test.ts)", () => {
  const reasons = new Set(file.vectors.map((vector) => vector.expect));
  for (const reason of [
    "ok",
    "sealed_malformed",
    "sealed_key_unknown",
    "sealed_expired",
    "sealed_from_future",
    "sealed_key_invalid",
    "sealed_tampered",
    "sealed_digest_mismatch",
  ])
    expect(reasons, reason).toContain(reason);
});
