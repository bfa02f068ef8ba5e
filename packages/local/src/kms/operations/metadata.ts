// KeyMetadata as CreateKey and DescribeKey return it (spec §3). `KeyId` is the bare UUID here, unlike
// the crypto operations, which answer with the key ARN.
import type { KeyStore } from "../key-store";
import { currentVersion, keyMaterialId } from "../material";
import { algorithmsOf, type KmsKey, toWireTime } from "../model";

export function keyMetadata(key: KmsKey, store: KeyStore) {
  return {
    AWSAccountId: store.accountId,
    KeyId: key.id,
    Arn: store.keyArn(key.id),
    CreationDate: toWireTime(key.createdAt),
    Enabled: key.state === "Enabled",
    Description: key.description,
    KeyUsage: "ENCRYPT_DECRYPT",
    KeyState: key.state,
    Origin: "AWS_KMS",
    KeyManager: "CUSTOMER",
    KeySpec: key.spec,
    CustomerMasterKeySpec: key.spec,
    EncryptionAlgorithms: [...algorithmsOf(key)],
    MultiRegion: false,
    ...(key.deletion
      ? { DeletionDate: toWireTime(key.deletion.at), PendingDeletionWindowInDays: key.deletion.windowDays }
      : {}),
    ...(key.material.kind === "symmetric"
      ? { CurrentKeyMaterialId: keyMaterialId(key.id, currentVersion(key.material).version) }
      : {}),
  };
}
