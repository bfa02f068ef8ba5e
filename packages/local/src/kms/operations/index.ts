// Every operation the emulator answers, by the name in `X-Amz-Target: TrentService.<Name>`.
import { createAlias, deleteAlias, listAliases, updateAlias } from "./aliases";
import type { Operation } from "./context";
import { decrypt, encrypt, generateDataKey, generateDataKeyWithoutPlaintext, reEncrypt } from "./crypto";
import {
  cancelKeyDeletion,
  createKey,
  describeKey,
  disableKey,
  enableKey,
  getPublicKey,
  listKeys,
  scheduleKeyDeletion,
} from "./keys";
import {
  disableKeyRotation,
  enableKeyRotation,
  getKeyRotationStatus,
  listKeyRotations,
  rotateKeyOnDemand,
} from "./rotation";

export const operations = {
  CreateKey: createKey,
  DescribeKey: describeKey,
  ListKeys: listKeys,
  EnableKey: enableKey,
  DisableKey: disableKey,
  ScheduleKeyDeletion: scheduleKeyDeletion,
  CancelKeyDeletion: cancelKeyDeletion,
  GetPublicKey: getPublicKey,
  CreateAlias: createAlias,
  UpdateAlias: updateAlias,
  DeleteAlias: deleteAlias,
  ListAliases: listAliases,
  GenerateDataKey: generateDataKey,
  GenerateDataKeyWithoutPlaintext: generateDataKeyWithoutPlaintext,
  Encrypt: encrypt,
  Decrypt: decrypt,
  ReEncrypt: reEncrypt,
  EnableKeyRotation: enableKeyRotation,
  DisableKeyRotation: disableKeyRotation,
  GetKeyRotationStatus: getKeyRotationStatus,
  RotateKeyOnDemand: rotateKeyOnDemand,
  ListKeyRotations: listKeyRotations,
} as const satisfies Record<string, Operation>;

export type OperationName = keyof typeof operations;

export const isOperationName = (name: string): name is OperationName => Object.hasOwn(operations, name);

export type { Operation, OperationContext } from "./context";
export { rotateKey, runDueRotations } from "./rotation";
