// Writes docs/envelope-vectors.json. Run once per format change:
//   npx tsx packages/core/src/crypto/vectors/make-vectors.ts
// Every input comes from a fixed label (SHAKE-256), so the output is the same on every run; the
// test (envelope.vectors.test.ts) replays the file, not this script.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { encodeContext, kmsContextForMode, type EncryptionContext } from "../context";
import { deriveMessageKeys } from "../derive";
import { sealWithDataKey } from "../envelope";
import { ALGORITHM_ID, envelopeSize, modeOf, parseEnvelope, TAG_BYTES, writeHeader } from "../format";
import { collidingCiphertext } from "./gcm-key-collision";
import type { EnvelopeVector, VectorFile } from "./vector-file";

const bytes = (label: string, length: number) =>
  createHash("shake256", { outputLength: length }).update(`coffer test vector: ${label}`).digest();
const hex = (data: Uint8Array) => Buffer.from(data).toString("hex");

interface Recipe {
  name: string;
  description: string;
  keyName: string;
  keyVersion: number;
  wrappedKey: Buffer;
  dataKey: Buffer;
  context: EncryptionContext;
  plaintext: Buffer;
  salt: Buffer;
  iv: Buffer;
  /** Derived mode; KMS mode (algorithm 1) when absent. */
  derived?: true;
}

function built(recipe: Recipe): EnvelopeVector {
  const contextBytes = encodeContext(recipe.context);
  const algorithmId = recipe.derived ? ALGORITHM_ID.derived : ALGORITHM_ID.kms;
  const envelope = sealWithDataKey({ ...recipe, contextBytes, algorithmId }, recipe.iv);
  return {
    name: recipe.name,
    description: recipe.description,
    expect: "ok",
    dataKey: hex(recipe.dataKey),
    context: recipe.context,
    envelope: hex(envelope),
    ...(recipe.derived ? { algorithmId: ALGORITHM_ID.derived } : {}),
    keyName: recipe.keyName,
    keyVersion: recipe.keyVersion,
    wrappedKey: hex(recipe.wrappedKey),
    salt: hex(recipe.salt),
    iv: hex(recipe.iv),
    plaintext: hex(recipe.plaintext),
    kmsContext: kmsContextForMode(modeOf(algorithmId), recipe.keyName, recipe.keyVersion, recipe.context),
    contextBytes: hex(contextBytes),
    aad: hex(parseEnvelope(envelope).aad),
  };
}

function refused(
  name: string,
  expect: EnvelopeVector["expect"],
  description: string,
  base: EnvelopeVector,
  change: { envelope?: Buffer; dataKey?: Buffer; context?: EncryptionContext },
): EnvelopeVector {
  return {
    name,
    description,
    expect,
    dataKey: change.dataKey ? hex(change.dataKey) : base.dataKey,
    context: change.context ?? base.context,
    envelope: change.envelope ? hex(change.envelope) : base.envelope,
  };
}

const edited = (vector: EnvelopeVector, edit: (envelope: Buffer) => Buffer | void): Buffer => {
  const envelope = Buffer.from(vector.envelope, "hex");
  return edit(envelope) ?? envelope;
};

/** An envelope whose ciphertext and tag GCM accepts under the message keys of two data keys. */
function salamander(): { vector: EnvelopeVector; otherDataKey: Buffer } {
  const dataKey = bytes("salamander data key A", 32);
  const otherDataKey = bytes("salamander data key B", 32);
  const salt = bytes("salamander salt", 32);
  const iv = bytes("salamander iv", 12);
  const keyName = "default";
  const wrappedKey = bytes("salamander wrapped key", 84);
  const contextBytes = encodeContext({ tenant: "acme" });
  const payloadBytes = 48;
  const keysA = deriveMessageKeys(dataKey, salt, ALGORITHM_ID.kms, contextBytes);
  const keysB = deriveMessageKeys(otherDataKey, salt, ALGORITHM_ID.kms, contextBytes);
  const out = Buffer.alloc(
    envelopeSize(Buffer.byteLength(keyName), contextBytes.length, wrappedKey.length, payloadBytes),
  );
  const { aadEnd } = writeHeader(out, {
    algorithmId: ALGORITHM_ID.kms,
    keyName: Buffer.from(keyName),
    keyVersion: 1,
    contextBytes,
    salt,
    iv,
    commitment: keysA.commitment,
    wrappedKey,
    payloadBytes,
  });
  const collision = collidingCiphertext({
    key1: keysA.aesKey,
    key2: keysB.aesKey,
    iv,
    aad: out.subarray(0, aadEnd),
    blockCount: payloadBytes / 16,
  });
  // Sealing plaintext1 under data key A gives these exact bytes, so the vector is an ordinary
  // "ok" vector too; only data key B makes it an attack.
  const vector = built({
    name: "ok/salamander-under-key-a",
    description:
      "An envelope whose ciphertext and tag were built to pass GCM under the message keys of two data keys (A and B). Under its own data key A it opens normally.",
    keyName,
    keyVersion: 1,
    wrappedKey,
    dataKey,
    context: { tenant: "acme" },
    plaintext: collision.plaintext1,
    salt,
    iv,
  });
  const expected = Buffer.concat([
    out.subarray(0, out.length - payloadBytes - TAG_BYTES),
    collision.ciphertext,
    collision.tag,
  ]);
  if (vector.envelope !== hex(expected))
    throw new Error("the salamander envelope does not reseal to the same bytes");
  return { vector, otherDataKey };
}

export function makeVectors(): VectorFile {
  const simple = built({
    name: "ok/short-text",
    description: "A short text under the default key with a two-entry context.",
    keyName: "default",
    keyVersion: 1,
    wrappedKey: bytes("short-text wrapped key", 84),
    dataKey: bytes("short-text data key", 32),
    context: { tenant: "acme", purpose: "invoice" },
    plaintext: Buffer.from("Hello, Coffer!"),
    salt: bytes("short-text salt", 32),
    iv: bytes("short-text iv", 12),
  });
  const empty = built({
    name: "ok/empty-plaintext-empty-context",
    description: "The smallest envelope: no plaintext, no context (the context encodes as 00 00).",
    keyName: "default",
    keyVersion: 1,
    wrappedKey: bytes("empty wrapped key", 84),
    dataKey: bytes("empty data key", 32),
    context: {},
    plaintext: Buffer.alloc(0),
    salt: bytes("empty salt", 32),
    iv: bytes("empty iv", 12),
  });
  const unicode = built({
    name: "ok/unicode-context-order",
    description:
      "Context keys whose UTF-8 byte order (a, é, U+FF61, U+1F600) differs from JavaScript's UTF-16 order (a, é, U+1F600, U+FF61): sort by UTF-8 bytes.",
    keyName: "default",
    keyVersion: 1,
    wrappedKey: bytes("unicode wrapped key", 84),
    dataKey: bytes("unicode data key", 32),
    context: { "\u{1F600}": "emoji", "\uFF61": "halfwidth", a: "ascii", é: "latin" },
    plaintext: Buffer.from("context order is by UTF-8 bytes"),
    salt: bytes("unicode salt", 32),
    iv: bytes("unicode iv", 12),
  });
  const multiBlock = built({
    name: "ok/multi-block-version-7",
    description:
      "100 bytes (not a whole number of AES blocks) under key 'payments' version 7, with a 184-byte wrapped key as real KMS makes.",
    keyName: "payments",
    keyVersion: 7,
    wrappedKey: bytes("multi-block wrapped key", 184),
    dataKey: bytes("multi-block data key", 32),
    context: { orderId: "A-1029" },
    plaintext: bytes("multi-block plaintext", 100),
    salt: bytes("multi-block salt", 32),
    iv: bytes("multi-block iv", 12),
  });
  const rewrapped = built({
    name: "ok/rewrapped-key-slot",
    description:
      "ok/short-text after a rewrap: only the key slot changed (version 2, another wrapped key); header, ciphertext and tag are the same bytes and still open with the same data key, because the key slot is outside the AAD.",
    keyName: "default",
    keyVersion: 2,
    wrappedKey: bytes("short-text rewrapped key", 184),
    dataKey: bytes("short-text data key", 32),
    context: { tenant: "acme", purpose: "invoice" },
    plaintext: Buffer.from("Hello, Coffer!"),
    salt: bytes("short-text salt", 32),
    iv: bytes("short-text iv", 12),
  });
  const derived = built({
    name: "ok/derived-short-text",
    description:
      "Derived mode (algorithm 2): ok/short-text's inputs, but the data key is one per key version under Coffer's own KMS context, and the message keys come from HKDF over the SHA-256 of the canonical context.",
    keyName: "default",
    keyVersion: 1,
    wrappedKey: bytes("derived wrapped key", 84),
    dataKey: bytes("derived data key", 32),
    context: { tenant: "acme", purpose: "invoice" },
    plaintext: Buffer.from("Hello, Coffer!"),
    salt: bytes("derived salt", 32),
    iv: bytes("derived iv", 12),
    derived: true,
  });
  const derivedOtherContext = built({
    name: "ok/derived-same-data-key-other-context",
    description:
      "Derived mode: the same data key, salt and wrapped key as ok/derived-short-text under another context ({recordId: r-42}), so other message keys and another commitment.",
    keyName: "default",
    keyVersion: 1,
    wrappedKey: bytes("derived wrapped key", 84),
    dataKey: bytes("derived data key", 32),
    context: { recordId: "r-42" },
    plaintext: Buffer.from("Hello, Coffer!"),
    salt: bytes("derived salt", 32),
    iv: bytes("derived iv 2", 12),
    derived: true,
  });
  const derivedEmpty = built({
    name: "ok/derived-empty-context",
    description: "Derived mode with the empty context (00 00) and an empty plaintext.",
    keyName: "default",
    keyVersion: 3,
    wrappedKey: bytes("derived empty wrapped key", 184),
    dataKey: bytes("derived data key", 32),
    context: {},
    plaintext: Buffer.alloc(0),
    salt: bytes("derived empty salt", 32),
    iv: bytes("derived empty iv", 12),
    derived: true,
  });
  const { vector: salamanderA, otherDataKey } = salamander();
  const headerEnd = parseEnvelope(Buffer.from(simple.envelope, "hex")).aad.length;

  return {
    about:
      "Coffer envelope format v1 test vectors. See docs/envelope.md. To open: parse `envelope`, compare its context with `context`, open with `dataKey` (what KMS Decrypt would return) and expect `expect`. Vectors with `salt` and `iv` also build: sealing `plaintext` with those fields gives `envelope` exactly.",
    vectors: [
      simple,
      empty,
      unicode,
      multiBlock,
      rewrapped,
      derived,
      derivedOtherContext,
      derivedEmpty,
      salamanderA,
      refused(
        "fail/salamander-under-key-b",
        "commitment_mismatch",
        "Regression for Invisible Salamanders: the same envelope with data key B. GCM alone would accept it and yield other plaintext; the key commitment refuses it before decryption.",
        salamanderA,
        { dataKey: otherDataKey },
      ),
      refused(
        "fail/other-data-key",
        "commitment_mismatch",
        "ok/short-text opened with another data key.",
        simple,
        {
          dataKey: bytes("another data key", 32),
        },
      ),
      refused(
        "fail/other-salt",
        "commitment_mismatch",
        "ok/short-text with the first salt byte changed: other message keys, other commitment.",
        simple,
        {
          envelope: edited(simple, (e) => void (e[6]! ^= 0x01)),
        },
      ),
      refused(
        "fail/commitment-edited",
        "commitment_mismatch",
        "ok/short-text with the last commitment byte changed.",
        simple,
        {
          envelope: edited(simple, (e) => void (e[81]! ^= 0x80)),
        },
      ),
      refused(
        "fail/wrong-context-value",
        "context_mismatch",
        "ok/short-text opened with purpose=receipt instead of invoice.",
        simple,
        {
          context: { tenant: "acme", purpose: "receipt" },
        },
      ),
      refused(
        "fail/context-missing",
        "context_mismatch",
        "ok/short-text opened with an empty context.",
        simple,
        {
          context: {},
        },
      ),
      refused(
        "fail/context-extra-entry",
        "context_mismatch",
        "ok/short-text opened with one more context entry.",
        simple,
        {
          context: { tenant: "acme", purpose: "invoice", extra: "" },
        },
      ),
      refused(
        "fail/unknown-version",
        "envelope_unknown_version",
        "ok/short-text with format version 2.",
        simple,
        {
          envelope: edited(simple, (e) => void (e[4] = 2)),
        },
      ),
      refused(
        "fail/unknown-algorithm",
        "envelope_unknown_algorithm",
        "ok/short-text with algorithm id 3 (ids 1 and 2 are defined).",
        simple,
        {
          envelope: edited(simple, (e) => void (e[5] = 3)),
        },
      ),
      refused(
        "fail/derived-other-context",
        "context_mismatch",
        "ok/derived-short-text opened with purpose=receipt: refused as in KMS mode, before any key is used.",
        derived,
        { context: { tenant: "acme", purpose: "receipt" } },
      ),
      refused(
        "fail/derived-context-edited",
        "commitment_mismatch",
        "ok/derived-short-text with its header context edited to tenant=acmf, opened with that context: the context is in the key derivation, so the commitment no longer matches. (In KMS mode, KMS refuses the same edit.)",
        derived,
        {
          envelope: edited(derived, (e) => void (e[parseEnvelope(e).aad.length - 1] = 0x66)),
          context: { tenant: "acmf", purpose: "invoice" },
        },
      ),
      refused(
        "fail/derived-context-of-other-envelope",
        "commitment_mismatch",
        "ok/derived-same-data-key-other-context carrying the commitment of ok/derived-short-text (same data key and salt, other context): a commitment holds for one context only.",
        derivedOtherContext,
        {
          envelope: edited(
            derivedOtherContext,
            (e) => void Buffer.from(derived.envelope, "hex").copy(e, 50, 50, 82),
          ),
        },
      ),
      refused(
        "fail/kms-mode-read-as-derived",
        "commitment_mismatch",
        "ok/short-text with algorithm id 1 changed to 2: another HKDF label, so other keys. (In the service KMS refuses first: the data key is wrapped under another KMS context.)",
        simple,
        { envelope: edited(simple, (e) => void (e[5] = 2)) },
      ),
      refused(
        "fail/derived-read-as-kms-mode",
        "commitment_mismatch",
        "ok/derived-short-text with algorithm id 2 changed to 1.",
        derived,
        { envelope: edited(derived, (e) => void (e[5] = 1)) },
      ),
      refused("fail/bad-magic", "envelope_malformed", 'ok/short-text starting "COFX".', simple, {
        envelope: edited(simple, (e) => void (e[3] = 0x58)),
      }),
      refused(
        "fail/truncated-in-header",
        "envelope_malformed",
        "ok/short-text cut inside its context.",
        simple,
        {
          envelope: edited(simple, (e) => e.subarray(0, headerEnd - 3)),
        },
      ),
      refused("fail/truncated-tag", "envelope_malformed", "ok/short-text without its last byte.", simple, {
        envelope: edited(simple, (e) => e.subarray(0, e.length - 1)),
      }),
      refused("fail/trailing-byte", "envelope_malformed", "ok/short-text with one byte appended.", simple, {
        envelope: edited(simple, (e) => Buffer.concat([e, Buffer.from([0])])),
      }),
      refused(
        "fail/context-not-canonical",
        "envelope_malformed",
        "ok/short-text with its two context entries swapped in the header: each context has one encoding.",
        simple,
        {
          envelope: edited(simple, (e) => {
            const parsed = parseEnvelope(e);
            const purposeEntry = encodeContext({ purpose: "invoice" }).subarray(2);
            const tenantEntry = encodeContext({ tenant: "acme" }).subarray(2);
            const at = parsed.aad.length - parsed.contextBytes.length + 2;
            Buffer.concat([tenantEntry, purposeEntry]).copy(e, at);
          }),
        },
      ),
      refused(
        "fail/key-name-edited",
        "authentication_failed",
        "ok/short-text naming key 'eefault': the header is the AAD.",
        simple,
        {
          envelope: edited(simple, (e) => void (e[87] = 0x65)),
        },
      ),
      refused(
        "fail/ciphertext-edited",
        "authentication_failed",
        "ok/short-text with its first ciphertext byte changed.",
        simple,
        {
          envelope: edited(simple, (e) => void (e[e.length - 16 - 14]! ^= 0x01)),
        },
      ),
      refused(
        "fail/tag-edited",
        "authentication_failed",
        "ok/short-text with its last tag byte changed.",
        simple,
        {
          envelope: edited(simple, (e) => void (e[e.length - 1]! ^= 0x01)),
        },
      ),
    ],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL("../../../../../docs/envelope-vectors.json", import.meta.url));
  writeFileSync(target, `${JSON.stringify(makeVectors(), null, 2)}\n`);
  console.log(`wrote ${target}`);
}
