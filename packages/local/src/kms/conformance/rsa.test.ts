// RSA keys: GetPublicKey, data sealed offline with the public key, Encrypt/Decrypt with OAEP, and the
// usage errors around them, through the stock SDK.
import { constants, createPublicKey, publicEncrypt } from "node:crypto";
import {
  DecryptCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetPublicKeyCommand,
  ReEncryptCommand,
} from "@aws-sdk/client-kms";
import { beforeAll, describe, expect, test } from "vitest";
import { createKey, failureOf, text, useEmulator, utf8 } from "./test-kit";

const kms = useEmulator();
let rsa: Awaited<ReturnType<typeof createKey>>;
let symmetric: Awaited<ReturnType<typeof createKey>>;

beforeAll(async () => {
  rsa = await createKey(kms.client, { KeySpec: "RSA_2048", KeyUsage: "ENCRYPT_DECRYPT" });
  symmetric = await createKey(kms.client);
});

async function publicKey() {
  const out = await kms.client.send(new GetPublicKeyCommand({ KeyId: rsa.KeyId }));
  return createPublicKey({ key: Buffer.from(out.PublicKey!), format: "der", type: "spki" });
}

const seal = async (plaintext: string, hash: "sha256" | "sha1") =>
  publicEncrypt(
    { key: await publicKey(), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash },
    utf8(plaintext),
  );

describe("GetPublicKey", () => {
  test("returns a DER SubjectPublicKeyInfo that node:crypto loads", async () => {
    const out = await kms.client.send(new GetPublicKeyCommand({ KeyId: rsa.Arn }));
    expect(out).toMatchObject({
      KeyId: rsa.Arn,
      KeySpec: "RSA_2048",
      CustomerMasterKeySpec: "RSA_2048",
      KeyUsage: "ENCRYPT_DECRYPT",
      EncryptionAlgorithms: ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"],
    });
    const key = createPublicKey({ key: Buffer.from(out.PublicKey!), format: "der", type: "spki" });
    expect(key.asymmetricKeyType).toBe("rsa");
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  test("on a symmetric key it is UnsupportedOperationException", async () => {
    expect(
      await failureOf(kms.client.send(new GetPublicKeyCommand({ KeyId: symmetric.KeyId }))),
    ).toMatchObject({
      name: "UnsupportedOperationException",
      status: 400,
    });
  });

  test("on a disabled key it is DisabledException", async () => {
    const other = await createKey(kms.client, { KeySpec: "RSA_2048" });
    await kms.client.send(new DisableKeyCommand({ KeyId: other.KeyId }));
    expect(await failureOf(kms.client.send(new GetPublicKeyCommand({ KeyId: other.KeyId })))).toMatchObject({
      name: "DisabledException",
    });
    await kms.client.send(new EnableKeyCommand({ KeyId: other.KeyId }));
    await kms.client.send(new GetPublicKeyCommand({ KeyId: other.KeyId }));
  });
});

describe("Decrypt with an RSA key", () => {
  test("data sealed offline with OAEP SHA-256 decrypts with KeyId and RSAES_OAEP_SHA_256", async () => {
    const sealed = await seal("sealed offline", "sha256");
    const out = await kms.client.send(
      new DecryptCommand({
        CiphertextBlob: sealed,
        KeyId: rsa.KeyId,
        EncryptionAlgorithm: "RSAES_OAEP_SHA_256",
      }),
    );
    expect(text(out.Plaintext)).toBe("sealed offline");
    expect(out).toMatchObject({ KeyId: rsa.Arn, EncryptionAlgorithm: "RSAES_OAEP_SHA_256" });
  });

  test("OAEP SHA-1 data decrypts with RSAES_OAEP_SHA_1", async () => {
    const sealed = await seal("sha-1", "sha1");
    const out = await kms.client.send(
      new DecryptCommand({
        CiphertextBlob: sealed,
        KeyId: rsa.KeyId,
        EncryptionAlgorithm: "RSAES_OAEP_SHA_1",
      }),
    );
    expect(text(out.Plaintext)).toBe("sha-1");
  });

  test("without KeyId it is InvalidCiphertextException", async () => {
    const sealed = await seal("no key id", "sha256");
    expect(
      await failureOf(
        kms.client.send(
          new DecryptCommand({ CiphertextBlob: sealed, EncryptionAlgorithm: "RSAES_OAEP_SHA_256" }),
        ),
      ),
    ).toMatchObject({ name: "InvalidCiphertextException", status: 400 });
  });

  test("SHA_1 on SHA-256 data, or a flipped byte, is InvalidCiphertextException", async () => {
    const sealed = await seal("wrong hash", "sha256");
    const tampered = Buffer.from(sealed);
    tampered[10]! ^= 0xff;
    for (const [blob, algorithm] of [
      [sealed, "RSAES_OAEP_SHA_1"],
      [tampered, "RSAES_OAEP_SHA_256"],
    ] as const)
      expect(
        await failureOf(
          kms.client.send(
            new DecryptCommand({ CiphertextBlob: blob, KeyId: rsa.KeyId, EncryptionAlgorithm: algorithm }),
          ),
        ),
      ).toMatchObject({ name: "InvalidCiphertextException", status: 400 });
  });

  test("without an RSA EncryptionAlgorithm it is InvalidKeyUsageException", async () => {
    const sealed = await seal("no algorithm", "sha256");
    for (const algorithm of [undefined, "SYMMETRIC_DEFAULT"] as const)
      expect(
        await failureOf(
          kms.client.send(
            new DecryptCommand({ CiphertextBlob: sealed, KeyId: rsa.KeyId, EncryptionAlgorithm: algorithm }),
          ),
        ),
      ).toMatchObject({ name: "InvalidKeyUsageException", status: 400 });
  });
});

describe("Encrypt with an RSA key", () => {
  test.each(["RSAES_OAEP_SHA_256", "RSAES_OAEP_SHA_1"] as const)("%s round-trips", async (algorithm) => {
    const out = await kms.client.send(
      new EncryptCommand({ KeyId: rsa.KeyId, Plaintext: utf8("rsa"), EncryptionAlgorithm: algorithm }),
    );
    expect(out).toMatchObject({ KeyId: rsa.Arn, EncryptionAlgorithm: algorithm });
    expect(out.CiphertextBlob).toHaveLength(256);
    const back = await kms.client.send(
      new DecryptCommand({
        CiphertextBlob: out.CiphertextBlob,
        KeyId: rsa.KeyId,
        EncryptionAlgorithm: algorithm,
      }),
    );
    expect(text(back.Plaintext)).toBe("rsa");
  });

  test("the OAEP limit is 190 bytes for RSA_2048 with SHA-256 and 214 with SHA-1", async () => {
    const encrypt = (size: number, algorithm: "RSAES_OAEP_SHA_256" | "RSAES_OAEP_SHA_1") =>
      kms.client.send(
        new EncryptCommand({
          KeyId: rsa.KeyId,
          Plaintext: new Uint8Array(size),
          EncryptionAlgorithm: algorithm,
        }),
      );
    await encrypt(190, "RSAES_OAEP_SHA_256");
    await encrypt(214, "RSAES_OAEP_SHA_1");
    expect(await failureOf(encrypt(191, "RSAES_OAEP_SHA_256"))).toMatchObject({
      name: "ValidationException",
    });
    expect(await failureOf(encrypt(215, "RSAES_OAEP_SHA_1"))).toMatchObject({ name: "ValidationException" });
  });

  test("SYMMETRIC_DEFAULT on an RSA key, or an RSA algorithm on a symmetric key, is InvalidKeyUsageException", async () => {
    for (const [keyId, algorithm] of [
      [rsa.KeyId, undefined],
      [rsa.KeyId, "SYMMETRIC_DEFAULT"],
      [symmetric.KeyId, "RSAES_OAEP_SHA_256"],
    ] as const)
      expect(
        await failureOf(
          kms.client.send(
            new EncryptCommand({ KeyId: keyId, Plaintext: utf8("x"), EncryptionAlgorithm: algorithm }),
          ),
        ),
      ).toMatchObject({ name: "InvalidKeyUsageException", status: 400 });
  });

  test("an encryption context with an RSA key is ValidationException", async () => {
    const failure = await failureOf(
      kms.client.send(
        new EncryptCommand({
          KeyId: rsa.KeyId,
          Plaintext: utf8("x"),
          EncryptionAlgorithm: "RSAES_OAEP_SHA_256",
          EncryptionContext: { a: "b" },
        }),
      ),
    );
    expect(failure).toMatchObject({ name: "ValidationException" });
  });

  test("GenerateDataKey on an RSA key is InvalidKeyUsageException", async () => {
    expect(
      await failureOf(kms.client.send(new GenerateDataKeyCommand({ KeyId: rsa.KeyId, KeySpec: "AES_256" }))),
    ).toMatchObject({ name: "InvalidKeyUsageException", status: 400 });
  });

  test("ReEncrypt from an RSA key to a symmetric key", async () => {
    const sealed = await seal("rewrap me", "sha256");
    const out = await kms.client.send(
      new ReEncryptCommand({
        CiphertextBlob: sealed,
        SourceKeyId: rsa.KeyId,
        SourceEncryptionAlgorithm: "RSAES_OAEP_SHA_256",
        DestinationKeyId: symmetric.KeyId,
      }),
    );
    expect(out).toMatchObject({ SourceKeyId: rsa.Arn, KeyId: symmetric.Arn });
    expect(
      text((await kms.client.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob }))).Plaintext),
    ).toBe("rewrap me");
  });
});
