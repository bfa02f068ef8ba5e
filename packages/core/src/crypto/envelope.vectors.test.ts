// Replays docs/envelope-vectors.json both ways: every vector opens to its named outcome, and every
// vector that carries its inputs is rebuilt to the exact same bytes. A new failure mode gets a new
// vector (vectors/make-vectors.ts) before it gets code.
import { createDecipheriv } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { CofferError } from "../errors";
import { encodeContext } from "./context";
import { kmsContextForMode } from "./context";
import { deriveMessageKeys } from "./derive";
import { openWithDataKey, sealWithDataKey } from "./envelope";
import { ALGORITHM_ID, modeOf, parseEnvelope } from "./format";
import { keyBinding } from "./key-slot";
import type { VectorFile } from "./vectors/vector-file";

const file: VectorFile = JSON.parse(
  readFileSync(new URL("../../../../docs/envelope-vectors.json", import.meta.url), "utf8"),
);
const bytes = (hex: string | undefined) => Buffer.from(hex ?? "", "hex");

const outcome = (open: () => Buffer) => {
  try {
    return { expect: "ok", plaintext: open().toString("hex") };
  } catch (error) {
    if (!(error instanceof CofferError)) throw error;
    return { expect: error.reason };
  }
};

describe("envelope vectors", () => {
  test("cover success and every envelope refusal", () => {
    const outcomes = new Set(file.vectors.map((vector) => vector.expect));
    expect([...outcomes].sort()).toEqual(
      [
        "ok",
        "authentication_failed",
        "commitment_mismatch",
        "context_mismatch",
        "envelope_malformed",
        "envelope_unknown_algorithm",
        "envelope_unknown_version",
      ].sort(),
    );
  });

  test.each(file.vectors)("open $name → $expect", (vector) => {
    const result = outcome(() =>
      openWithDataKey(bytes(vector.envelope), bytes(vector.dataKey), vector.context),
    );
    expect(result).toEqual(
      vector.expect === "ok" ? { expect: "ok", plaintext: vector.plaintext } : { expect: vector.expect },
    );
  });

  const buildable = file.vectors.filter((vector) => vector.salt !== undefined);
  test.each(buildable)("build $name → the same bytes", (vector) => {
    const contextBytes = encodeContext(vector.context);
    const algorithmId = vector.algorithmId ?? ALGORITHM_ID.kms;
    const envelope = sealWithDataKey(
      {
        algorithmId,
        salt: bytes(vector.salt),
        dataKey: bytes(vector.dataKey),
        wrappedKey: bytes(vector.wrappedKey),
        keyName: vector.keyName!,
        keyVersion: vector.keyVersion!,
        contextBytes,
        plaintext: bytes(vector.plaintext),
      },
      bytes(vector.iv),
    );
    expect(envelope.toString("hex")).toBe(vector.envelope);
    expect(contextBytes.toString("hex")).toBe(vector.contextBytes);
    const parsed = parseEnvelope(envelope);
    expect(parsed.aad.toString("hex")).toBe(vector.aad);
    expect(
      parsed.keyBinding.equals(
        keyBinding(vector.keyName!, contextBytes, vector.keyVersion!, bytes(vector.wrappedKey)),
      ),
    ).toBe(true);
    expect(
      kmsContextForMode(modeOf(algorithmId), vector.keyName!, vector.keyVersion!, vector.context),
    ).toEqual(vector.kmsContext);
  });

  test("the salamander vector really is one: GCM alone accepts it under data key B", () => {
    const attack = file.vectors.find((vector) => vector.name === "fail/salamander-under-key-b")!;
    const original = file.vectors.find((vector) => vector.name === "ok/salamander-under-key-a")!;
    const parsed = parseEnvelope(bytes(attack.envelope));
    const keyB = deriveMessageKeys(
      bytes(attack.dataKey),
      parsed.salt,
      parsed.algorithmId,
      parsed.contextBytes,
    );
    const decipher = createDecipheriv("aes-256-gcm", keyB.aesKey, parsed.iv, { authTagLength: 16 });
    decipher.setAAD(parsed.aad);
    decipher.setAuthTag(parsed.tag);
    const plaintextB = decipher.update(parsed.ciphertext);
    expect(() => decipher.final()).not.toThrow();
    // Two readers, two different plaintexts, both "authentic" to GCM: what the commitment prevents.
    expect(plaintextB.toString("hex")).not.toBe(original.plaintext);
  });
});
