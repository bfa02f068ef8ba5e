// Bad input never gets a 500 and never crashes the emulator: every operation is sent malformed
// bodies and fields (property-based, with fast-check), and each answer must be a JSON error below
// 500, or a success. Real key ids and blobs are mixed in so that fuzzing reaches past the first check.
import fc from "fast-check";
import {
  CreateAliasCommand,
  EncryptCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import { beforeAll, describe, expect, test } from "vitest";
import { operations } from "../operations";
import { createKey, rawRequest, useEmulator, utf8 } from "./test-kit";

const kms = useEmulator();
const operationNames = Object.keys(operations);

const members = [
  ...[
    "KeyId",
    "SourceKeyId",
    "DestinationKeyId",
    "TargetKeyId",
    "AliasName",
    "KeySpec",
    "KeyUsage",
    "Origin",
  ],
  ...["CustomerMasterKeySpec", "Description", "Tags", "MultiRegion", "NumberOfBytes", "EncryptionContext"],
  ...["SourceEncryptionContext", "DestinationEncryptionContext", "Plaintext", "CiphertextBlob"],
  ...[
    "EncryptionAlgorithm",
    "SourceEncryptionAlgorithm",
    "DestinationEncryptionAlgorithm",
    "Limit",
    "Marker",
  ],
  ...[
    "PendingWindowInDays",
    "RotationPeriodInDays",
    "IncludeKeyMaterial",
    "GrantTokens",
    "DryRun",
    "__proto__",
  ],
];

// Values that reach deeper: real ids in every form, real and broken blobs, edge numbers.
const interesting: unknown[] = [];
/** A valid request per operation, which the property tests then break one to three members at a time. */
let validBodies: Record<string, Record<string, unknown>> = {};
let pristine: ReturnType<typeof kms.emulator.snapshot>;

beforeAll(async () => {
  const key = await createKey(kms.client);
  const spare = await createKey(kms.client);
  const pending = await createKey(kms.client);
  await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: pending.KeyId, PendingWindowInDays: 7 }));
  const rsa = await createKey(kms.client, { KeySpec: "RSA_2048" });
  await kms.client.send(new CreateAliasCommand({ AliasName: "alias/fuzz", TargetKeyId: key.KeyId }));
  const blob = (
    await kms.client.send(
      new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8("fuzz"), EncryptionContext: { a: "b" } }),
    )
  ).CiphertextBlob!;
  const dataKey = (
    await kms.client.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.KeyId, NumberOfBytes: 32 }))
  ).CiphertextBlob!;
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
  interesting.push(
    ...[
      key.KeyId,
      key.Arn,
      pending.KeyId,
      "alias/fuzz",
      key.Arn.replace(/key\/.*/, "alias/fuzz"),
      rsa.KeyId,
      rsa.Arn,
    ],
    ...[
      "arn:aws:kms:us-east-1:111122223333:key/",
      "arn:",
      "arn:aws:kms:::",
      "alias/",
      "alias/aws/x",
      "",
      " ",
    ],
    ...[
      base64(blob),
      base64(dataKey),
      base64(Buffer.from(blob).subarray(0, 40)),
      "Q0tFMQ==",
      "====",
      "a",
      "@@@",
    ],
    ...[
      "AES_256",
      "AES_128",
      "SYMMETRIC_DEFAULT",
      "RSAES_OAEP_SHA_256",
      "RSAES_OAEP_SHA_1",
      "ALL_KEY_MATERIAL",
    ],
    ...["ENCRYPT_DECRYPT", "SIGN_VERIFY", "AWS_KMS", "EXTERNAL", "ECC_NIST_P256", "bWFya2Vy", "a2V5czo="],
    ...[0, -1, 1, 7, 30, 90, 1024, 1025, 2 ** 31, 2 ** 53, -0, 1.5, 1e308, true, false, null],
    ...[
      {},
      [],
      { a: "b" },
      { a: 1 },
      { "": "x" },
      [{ TagKey: "k", TagValue: "v" }],
      [{ TagKey: 1 }],
      [null],
      [1, "x"],
    ],
    "x".repeat(9000),
  );
  const context = { a: "b" };
  validBodies = {
    CreateKey: {
      Description: "fuzz",
      KeySpec: "SYMMETRIC_DEFAULT",
      KeyUsage: "ENCRYPT_DECRYPT",
      Tags: [{ TagKey: "k", TagValue: "v" }],
    },
    DescribeKey: { KeyId: key.KeyId },
    ListKeys: { Limit: 10 },
    EnableKey: { KeyId: spare.KeyId },
    DisableKey: { KeyId: spare.KeyId },
    ScheduleKeyDeletion: { KeyId: spare.KeyId, PendingWindowInDays: 7 },
    CancelKeyDeletion: { KeyId: pending.KeyId },
    GetPublicKey: { KeyId: rsa.KeyId },
    CreateAlias: { AliasName: "alias/fuzz-new", TargetKeyId: spare.KeyId },
    UpdateAlias: { AliasName: "alias/fuzz", TargetKeyId: spare.KeyId },
    DeleteAlias: { AliasName: "alias/fuzz" },
    ListAliases: { KeyId: key.KeyId, Limit: 10 },
    GenerateDataKey: { KeyId: key.KeyId, KeySpec: "AES_256", EncryptionContext: context },
    GenerateDataKeyWithoutPlaintext: { KeyId: key.KeyId, NumberOfBytes: 32, EncryptionContext: context },
    Encrypt: { KeyId: key.KeyId, Plaintext: "eA==", EncryptionContext: context },
    Decrypt: { CiphertextBlob: base64(blob), EncryptionContext: context, KeyId: key.KeyId },
    ReEncrypt: {
      CiphertextBlob: base64(blob),
      SourceEncryptionContext: context,
      DestinationKeyId: spare.KeyId,
    },
    EnableKeyRotation: { KeyId: key.KeyId, RotationPeriodInDays: 90 },
    DisableKeyRotation: { KeyId: key.KeyId },
    GetKeyRotationStatus: { KeyId: key.KeyId },
    RotateKeyOnDemand: { KeyId: key.KeyId },
    ListKeyRotations: { KeyId: key.KeyId, IncludeKeyMaterial: "ALL_KEY_MATERIAL", Limit: 5 },
  };
  pristine = kms.emulator.snapshot();
});

// Each property sends a few hundred requests through HTTP; on a busy machine (CI often is) that
// takes well over the default 30 s, and a timeout here would say nothing about the emulator.
const FUZZ_TIMEOUT_MS = 180_000;

const value = () =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...interesting) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 64 }) },
    { weight: 1, arbitrary: fc.base64String({ maxLength: 64 }) },
    { weight: 1, arbitrary: fc.constant(null) },
  );
const body = () =>
  fc
    .dictionary(fc.oneof(fc.constantFrom(...members), fc.string({ maxLength: 8 })), value(), { maxKeys: 6 })
    .map((fields) => JSON.stringify(fields));

type Path = Array<string | number>;

/** Every member path of a JSON value: ["Tags"], ["Tags", 0], ["Tags", 0, "TagKey"], ... */
function pathsIn(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([name, child]) => {
    const path = [...prefix, Array.isArray(value) ? Number(name) : name];
    return [path, ...pathsIn(child, path)];
  });
}

/**
 * A copy with the value at `path` replaced, or deleted when `replacement` is undefined. Objects are
 * rebuilt with Object.fromEntries so that a "__proto__" member becomes a real JSON member.
 */
function replaceAt(value: unknown, [head, ...rest]: Path, replacement: unknown): unknown {
  if (head === undefined) return replacement;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (typeof head === "number" && head < copy.length) copy[head] = replaceAt(copy[head], rest, replacement);
    return copy.filter((entry) => entry !== undefined);
  }
  const entries = typeof value === "object" && value !== null ? Object.entries(value) : [];
  const next = replaceAt(entries.find(([name]) => name === head)?.[1], rest, replacement);
  const others = entries.filter(([name]) => name !== head);
  return Object.fromEntries(next === undefined ? others : [...others, [head, next]]);
}

async function expectCleanAnswer(target: string, payload: string, headers?: Record<string, string>) {
  const response = await rawRequest(kms.emulator.url, target, payload, headers);
  const text = await response.text();
  expect(response.status, `${target} ${payload.slice(0, 200)} -> ${text.slice(0, 200)}`).toBeLessThan(500);
  const answer = JSON.parse(text) as { __type?: unknown; message?: unknown };
  if (response.status !== 200) {
    expect(typeof answer.__type).toBe("string");
    expect(typeof answer.message).toBe("string");
  }
}

describe("malformed requests", () => {
  test("every operation has a valid request to break", async () => {
    expect(Object.keys(validBodies).sort()).toEqual([...operationNames].sort());
    for (const operation of operationNames) {
      kms.emulator.restore(pristine);
      const response = await rawRequest(
        kms.emulator.url,
        `TrentService.${operation}`,
        JSON.stringify(validBodies[operation]),
      );
      expect(response.status, `${operation}: ${await response.text()}`).toBe(200);
    }
  });

  // Each run starts from the same state, so a run that disables or deletes a key cannot blunt the next.
  // A change replaces (or deletes) a member of the valid request, or something nested inside one
  // (a tag, a context entry), or adds a member of another operation.
  test.each(operationNames)(
    "%s: one to three broken members never give a 500",
    async (operation) => {
      const valid = validBodies[operation]!;
      const path = fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...pathsIn(valid)) },
        { weight: 1, arbitrary: fc.constantFrom(...members).map((member) => [member]) },
      );
      const change = fc.tuple(path, fc.option(value(), { nil: undefined, freq: 6 }));
      await fc.assert(
        fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 3 }), async (changes) => {
          kms.emulator.restore(pristine);
          let request: unknown = structuredClone(valid);
          for (const [at, replacement] of changes) request = replaceAt(request, at, replacement);
          await expectCleanAnswer(`TrentService.${operation}`, JSON.stringify(request));
        }),
        { numRuns: 200 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  test("random members and values never give a 500", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operationNames), body(), (operation, payload) =>
        expectCleanAnswer(`TrentService.${operation}`, payload),
      ),
      { numRuns: 300 },
    );
  });

  test("random bytes as the body never give a 500", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operationNames),
        fc.string({ unit: "binary", maxLength: 200 }),
        (operation, payload) => expectCleanAnswer(`TrentService.${operation}`, payload),
      ),
      { numRuns: 300 },
    );
  });

  test("random targets, content types and authorization headers never give a 500", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.constantFrom(...operationNames.map((name) => `TrentService.${name}`)),
        ),
        fc.oneof(fc.string({ maxLength: 40 }), fc.constant("application/x-amz-json-1.1")),
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.constant("AWS4-HMAC-SHA256 Credential=a/20260101/us-east-1/kms/aws4_request"),
        ),
        async (target, contentType, authorization) =>
          expectCleanAnswer(target.replace(/[^\x20-\x7e]/g, ""), "{}", {
            "content-type": contentType.replace(/[^\x20-\x7e]/g, ""),
            authorization: authorization.replace(/[^\x20-\x7e]/g, ""),
          }),
      ),
      { numRuns: 200 },
    );
  });

  test("deeply nested JSON and huge members are answered, not crashed on", async () => {
    await expectCleanAnswer(
      "TrentService.Encrypt",
      `{"EncryptionContext": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
    );
    await expectCleanAnswer("TrentService.DescribeKey", JSON.stringify({ KeyId: "k".repeat(500_000) }));
    await expectCleanAnswer(
      "TrentService.Encrypt",
      JSON.stringify({ KeyId: "alias/fuzz", Plaintext: "A".repeat(700_000) }),
    );
    await expectCleanAnswer(
      "TrentService.Encrypt",
      '{"KeyId": "alias/fuzz", "Plaintext": "eA==", "EncryptionContext": {"__proto__": 1}}',
    );
    // Still alive and answering:
    expect((await rawRequest(kms.emulator.url, "TrentService.ListKeys", "{}")).status).toBe(200);
  });
});
