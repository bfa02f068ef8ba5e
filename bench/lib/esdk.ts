// The peer, set up as its documentation recommends for speed: the AWS Encryption SDK for
// JavaScript with a caching materials manager (limits equal to Coffer's default policy), the
// committing non-signing suite, and a KMS keyring against the same emulator Coffer uses, so both
// sides pay the same KMS path.
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  getClient,
  getLocalCryptographicMaterialsCache,
  KMS,
  KmsKeyringNode,
  NodeCachingMaterialsManager,
} from "@aws-crypto/client-node";
import { defaultCachePolicy } from "@coffer/core/config";

export function createEsdk({ endpoint, keyArn }: { endpoint: string; keyArn: string }) {
  const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const clientProvider = getClient(KMS, {
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider });
  const cmm = new NodeCachingMaterialsManager({
    backingMaterials: keyring,
    cache: getLocalCryptographicMaterialsCache(1_000),
    maxAge: defaultCachePolicy.maxAgeMs,
    maxMessagesEncrypted: defaultCachePolicy.maxMessages,
    maxBytesEncrypted: defaultCachePolicy.maxBytes,
  });
  const suiteId = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
  return {
    encrypt: async (plaintext: Buffer, encryptionContext: Record<string, string>) =>
      (await encrypt(cmm, plaintext, { suiteId, encryptionContext, plaintextLength: plaintext.length }))
        .result,
    decrypt: async (message: Buffer) => (await decrypt(cmm, message)).plaintext,
  };
}
