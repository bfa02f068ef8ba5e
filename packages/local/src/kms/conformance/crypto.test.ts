// Encrypt, Decrypt, GenerateDataKey*, ReEncrypt with symmetric keys, through the stock SDK only.
import {
  CreateAliasCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  ReEncryptCommand,
} from "@aws-sdk/client-kms";
import { beforeAll, describe, expect, test } from "vitest";
import { createKey, failureOf, text, useEmulator, utf8 } from "./test-kit";

const kms = useEmulator();
let keyA: { KeyId: string; Arn: string };
let keyB: { KeyId: string; Arn: string };
const aliasA = `alias/crypto-${Date.now()}`;

beforeAll(async () => {
  keyA = await createKey(kms.client);
  keyB = await createKey(kms.client);
  await kms.client.send(new CreateAliasCommand({ AliasName: aliasA, TargetKeyId: keyA.KeyId }));
});

const idForms = {
  "key id": () => keyA.KeyId,
  "key ARN": () => keyA.Arn,
  "alias name": () => aliasA,
  "alias ARN": () => keyA.Arn.replace(/key\/.*$/, aliasA),
};

async function encrypt(plaintext = "hello", context?: Record<string, string>, keyId = keyA.KeyId) {
  const out = await kms.client.send(
    new EncryptCommand({ KeyId: keyId, Plaintext: utf8(plaintext), EncryptionContext: context }),
  );
  return Buffer.from(out.CiphertextBlob!);
}

const decrypt = (blob: Uint8Array, context?: Record<string, string>, keyId?: string) =>
  kms.client.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context, KeyId: keyId }));

describe("Encrypt and Decrypt", () => {
  test("round trip without KeyId on Decrypt; responses name the key by ARN", async () => {
    const out = await kms.client.send(new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: utf8("secret") }));
    expect(out.KeyId).toBe(keyA.Arn);
    expect(out.EncryptionAlgorithm).toBe("SYMMETRIC_DEFAULT");
    const back = await decrypt(out.CiphertextBlob!);
    expect(text(back.Plaintext)).toBe("secret");
    expect(back.KeyId).toBe(keyA.Arn);
    expect(back.EncryptionAlgorithm).toBe("SYMMETRIC_DEFAULT");
    expect(back.KeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
    expect(back.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test.each(Object.entries(idForms))(
    "Encrypt, Decrypt and GenerateDataKey accept the %s",
    async (_, idOf) => {
      const keyId = idOf();
      const blob = await encrypt("by form", undefined, keyId);
      expect(text((await decrypt(blob, undefined, keyId)).Plaintext)).toBe("by form");
      const dataKey = await kms.client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256" }));
      expect(dataKey.KeyId).toBe(keyA.Arn);
    },
  );

  test("a blob is the plaintext plus 52 bytes", async () => {
    expect((await encrypt("x".repeat(100))).length).toBe(152);
  });

  test("Plaintext of 4096 bytes is accepted; 4097 and 0 bytes are ValidationException", async () => {
    const blob = await kms.client.send(
      new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: new Uint8Array(4096) }),
    );
    expect(blob.CiphertextBlob).toHaveLength(4148);
    for (const size of [4097, 0])
      expect(
        await failureOf(
          kms.client.send(new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: new Uint8Array(size) })),
        ),
      ).toMatchObject({ name: "ValidationException", status: 400 });
  });

  test("a missing KeyId is a ValidationException in KMS's words", async () => {
    const failure = await failureOf(
      kms.client.send(new EncryptCommand({ KeyId: undefined as unknown as string, Plaintext: utf8("x") })),
    );
    expect(failure).toMatchObject({ name: "ValidationException", status: 400 });
    expect(failure.message).toBe(
      "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    );
  });

  test("Decrypt with another key's KeyId is IncorrectKeyException", async () => {
    const blob = await encrypt();
    expect(await failureOf(decrypt(blob, undefined, keyB.KeyId))).toMatchObject({
      name: "IncorrectKeyException",
      status: 400,
    });
  });

  test("Decrypt with an RSA algorithm on a symmetric blob is InvalidKeyUsageException", async () => {
    const blob = await encrypt();
    const failure = await failureOf(
      kms.client.send(
        new DecryptCommand({ CiphertextBlob: blob, EncryptionAlgorithm: "RSAES_OAEP_SHA_256" }),
      ),
    );
    expect(failure).toMatchObject({ name: "InvalidKeyUsageException", status: 400 });
  });
});

describe("encryption context", () => {
  const context = { tenant: "acme", purpose: "records" };

  test("the same map in another key order decrypts", async () => {
    const blob = await encrypt("ctx", context);
    expect(text((await decrypt(blob, { purpose: "records", tenant: "acme" })).Plaintext)).toBe("ctx");
  });

  test.each([
    ["missing", undefined],
    ["empty", {}],
    ["extra", { ...context, extra: "1" }],
    ["changed case", { Tenant: "acme", purpose: "records" }],
    ["changed value", { tenant: "acme", purpose: "Records" }],
  ])("a %s context is InvalidCiphertextException", async (_, wrong) => {
    const blob = await encrypt("ctx", context);
    expect(await failureOf(decrypt(blob, wrong))).toMatchObject({
      name: "InvalidCiphertextException",
      status: 400,
    });
  });

  test('{"ab":"c"} and {"a":"bc"} are different contexts', async () => {
    const blob = await encrypt("ctx", { ab: "c" });
    expect(await failureOf(decrypt(blob, { a: "bc" }))).toMatchObject({ name: "InvalidCiphertextException" });
  });

  test('a context key named "__proto__" is bound like any other', async () => {
    const blob = await encrypt("proto", JSON.parse('{"__proto__":"x"}') as Record<string, string>);
    expect(await failureOf(decrypt(blob, {}))).toMatchObject({ name: "InvalidCiphertextException" });
    expect(
      text((await decrypt(blob, JSON.parse('{"__proto__":"x"}') as Record<string, string>)).Plaintext),
    ).toBe("proto");
  });

  test("a blob made without a context decrypts with an empty one", async () => {
    const blob = await encrypt("none");
    expect(text((await decrypt(blob, {})).Plaintext)).toBe("none");
  });
});

describe("ciphertext integrity", () => {
  test("flipping any one byte of the blob is InvalidCiphertextException", async () => {
    const blob = await encrypt("integrity", { a: "1" });
    for (let index = 0; index < blob.length; index++) {
      const tampered = Buffer.from(blob);
      tampered[index]! ^= 0x01;
      const failure = await failureOf(decrypt(tampered, { a: "1" }));
      expect(failure.name, `byte ${index}`).toBe("InvalidCiphertextException");
    }
  });

  test("truncated, random and foreign blobs are InvalidCiphertextException", async () => {
    const blob = await encrypt("truncate me");
    for (const broken of [
      blob.subarray(0, 10),
      blob.subarray(0, blob.length - 1),
      Buffer.alloc(80, 7),
      utf8("nope"),
    ])
      expect(await failureOf(decrypt(broken))).toMatchObject({
        name: "InvalidCiphertextException",
        status: 400,
      });
  });

  test("a blob over 6144 bytes is ValidationException", async () => {
    expect(await failureOf(decrypt(new Uint8Array(6145)))).toMatchObject({
      name: "ValidationException",
      status: 400,
    });
  });
});

describe("GenerateDataKey", () => {
  test.each([
    [{ KeySpec: "AES_256" as const }, 32],
    [{ KeySpec: "AES_128" as const }, 16],
    [{ NumberOfBytes: 1 }, 1],
    [{ NumberOfBytes: 1024 }, 1024],
  ])("%o gives %i bytes, and the blob decrypts to them", async (size, bytes) => {
    const context = { purpose: "test" };
    const out = await kms.client.send(
      new GenerateDataKeyCommand({ KeyId: keyA.KeyId, EncryptionContext: context, ...size }),
    );
    expect(out.Plaintext).toHaveLength(bytes);
    expect(out.KeyId).toBe(keyA.Arn);
    expect(out.KeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
    const back = await decrypt(out.CiphertextBlob!, context);
    expect(Buffer.from(back.Plaintext!).equals(Buffer.from(out.Plaintext!))).toBe(true);
  });

  test.each([
    ["NumberOfBytes 0", { NumberOfBytes: 0 }],
    ["NumberOfBytes 1025", { NumberOfBytes: 1025 }],
    ["both sizes", { KeySpec: "AES_256" as const, NumberOfBytes: 32 }],
    ["neither size", {}],
    ["an unknown KeySpec", { KeySpec: "AES_512" as "AES_256" }],
  ])("%s is ValidationException", async (_, size) => {
    expect(
      await failureOf(kms.client.send(new GenerateDataKeyCommand({ KeyId: keyA.KeyId, ...size }))),
    ).toMatchObject({ name: "ValidationException", status: 400 });
  });

  test("WithoutPlaintext returns no Plaintext, and its blob decrypts to a 32-byte key", async () => {
    const out = await kms.client.send(
      new GenerateDataKeyWithoutPlaintextCommand({
        KeyId: aliasA,
        KeySpec: "AES_256",
        EncryptionContext: { a: "b" },
      }),
    );
    expect("Plaintext" in out).toBe(false);
    expect(out.KeyId).toBe(keyA.Arn);
    expect(out.CiphertextBlob).toHaveLength(84);
    expect((await decrypt(out.CiphertextBlob!, { a: "b" })).Plaintext).toHaveLength(32);
  });

  test("two data keys differ", async () => {
    const one = await kms.client.send(new GenerateDataKeyCommand({ KeyId: keyA.KeyId, KeySpec: "AES_256" }));
    const two = await kms.client.send(new GenerateDataKeyCommand({ KeyId: keyA.KeyId, KeySpec: "AES_256" }));
    expect(Buffer.from(one.Plaintext!).equals(Buffer.from(two.Plaintext!))).toBe(false);
  });
});

describe("ReEncrypt", () => {
  test("moves a blob to another key and context without exposing it", async () => {
    const blob = await encrypt("moving", { from: "a" });
    const out = await kms.client.send(
      new ReEncryptCommand({
        CiphertextBlob: blob,
        SourceEncryptionContext: { from: "a" },
        DestinationKeyId: keyB.KeyId,
        DestinationEncryptionContext: { to: "b" },
      }),
    );
    expect(out).toMatchObject({
      SourceKeyId: keyA.Arn,
      KeyId: keyB.Arn,
      SourceEncryptionAlgorithm: "SYMMETRIC_DEFAULT",
      DestinationEncryptionAlgorithm: "SYMMETRIC_DEFAULT",
    });
    expect(out.SourceKeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
    expect(out.DestinationKeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
    expect(text((await decrypt(out.CiphertextBlob!, { to: "b" })).Plaintext)).toBe("moving");
    expect(await failureOf(decrypt(out.CiphertextBlob!, { from: "a" }))).toMatchObject({
      name: "InvalidCiphertextException",
    });
    expect(await failureOf(decrypt(out.CiphertextBlob!, { to: "b" }, keyA.KeyId))).toMatchObject({
      name: "IncorrectKeyException",
    });
  });

  test("a SourceKeyId that is not the blob's key is IncorrectKeyException", async () => {
    const blob = await encrypt();
    const failure = await failureOf(
      kms.client.send(
        new ReEncryptCommand({ CiphertextBlob: blob, SourceKeyId: keyB.KeyId, DestinationKeyId: keyB.KeyId }),
      ),
    );
    expect(failure).toMatchObject({ name: "IncorrectKeyException", status: 400 });
  });

  test("a wrong source context is InvalidCiphertextException; a missing destination is ValidationException", async () => {
    const blob = await encrypt("x", { a: "1" });
    expect(
      await failureOf(
        kms.client.send(
          new ReEncryptCommand({
            CiphertextBlob: blob,
            SourceEncryptionContext: { a: "2" },
            DestinationKeyId: keyB.KeyId,
          }),
        ),
      ),
    ).toMatchObject({ name: "InvalidCiphertextException" });
    expect(
      await failureOf(
        kms.client.send(
          new ReEncryptCommand({ CiphertextBlob: blob, DestinationKeyId: undefined as unknown as string }),
        ),
      ),
    ).toMatchObject({ name: "ValidationException" });
  });

  test("an unknown destination is NotFoundException", async () => {
    const blob = await encrypt();
    expect(
      await failureOf(
        kms.client.send(new ReEncryptCommand({ CiphertextBlob: blob, DestinationKeyId: "alias/none" })),
      ),
    ).toMatchObject({ name: "NotFoundException", status: 400 });
  });
});
