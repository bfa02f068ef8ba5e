// Crypto operations: GenerateDataKey, GenerateDataKeyWithoutPlaintext, Encrypt, Decrypt, ReEncrypt.
// Responses name the key by ARN, as KMS does.
import { kmsError } from "../errors";
import {
  type RequestBody,
  optionalEnum,
  optionalInteger,
  optionalKeyId,
  readContext,
  requiredBlob,
  requiredKeyId,
} from "../input";
import { encryptionAlgorithms } from "../model";
import { type Operation, type OperationContext } from "./context";
import { decryptCiphertext, encryptUnder, requireSymmetricForDataKeys } from "./cipher";

const MAX_CIPHERTEXT_BYTES = 6144;
const MAX_PLAINTEXT_BYTES = 4096;

const base64 = (bytes: Buffer) => bytes.toString("base64");

function makeDataKey(context: OperationContext, body: RequestBody, operation: string) {
  const keyId = requiredKeyId(body);
  const keySpec = optionalEnum(body, "KeySpec", ["AES_256", "AES_128"]);
  const numberOfBytes = optionalInteger(body, "NumberOfBytes", { min: 1, max: 1024 });
  const encryptionContext = readContext(body, "EncryptionContext");
  if ((keySpec === undefined) === (numberOfBytes === undefined))
    throw kmsError("ValidationException", "Please specify either number of bytes or key spec.");

  const key = context.store.resolveKey(keyId);
  requireSymmetricForDataKeys(key, context.store, operation);
  const plaintext = context.random.bytes(numberOfBytes ?? (keySpec === "AES_128" ? 16 : 32));
  const sealed = encryptUnder(context, key, { plaintext, context: encryptionContext });
  return { plaintext, sealed };
}

export const generateDataKey: Operation = (context, body) => {
  const { plaintext, sealed } = makeDataKey(context, body, "GenerateDataKey");
  return {
    CiphertextBlob: base64(sealed.ciphertext),
    Plaintext: base64(plaintext),
    KeyId: context.store.keyArn(sealed.key.id),
    KeyMaterialId: sealed.materialId,
  };
};

export const generateDataKeyWithoutPlaintext: Operation = (context, body) => {
  const { sealed } = makeDataKey(context, body, "GenerateDataKeyWithoutPlaintext");
  return {
    CiphertextBlob: base64(sealed.ciphertext),
    KeyId: context.store.keyArn(sealed.key.id),
    KeyMaterialId: sealed.materialId,
  };
};

export const encrypt: Operation = (context, body) => {
  const keyId = requiredKeyId(body);
  const plaintext = requiredBlob(body, "Plaintext", { min: 1, max: MAX_PLAINTEXT_BYTES });
  const encryptionContext = readContext(body, "EncryptionContext");
  const algorithm = optionalEnum(body, "EncryptionAlgorithm", encryptionAlgorithms);
  const key = context.store.resolveKey(keyId);
  const sealed = encryptUnder(context, key, { plaintext, context: encryptionContext, algorithm });
  return {
    CiphertextBlob: base64(sealed.ciphertext),
    KeyId: context.store.keyArn(key.id),
    EncryptionAlgorithm: sealed.algorithm,
  };
};

export const decrypt: Operation = (context, body) => {
  const ciphertext = requiredBlob(body, "CiphertextBlob", { min: 1, max: MAX_CIPHERTEXT_BYTES });
  const encryptionContext = readContext(body, "EncryptionContext");
  const keyId = optionalKeyId(body, "KeyId");
  const algorithm = optionalEnum(body, "EncryptionAlgorithm", encryptionAlgorithms);
  const opened = decryptCiphertext(context, { ciphertext, context: encryptionContext, keyId, algorithm });
  return {
    KeyId: context.store.keyArn(opened.key.id),
    Plaintext: base64(opened.plaintext),
    EncryptionAlgorithm: opened.algorithm,
    KeyMaterialId: opened.materialId,
  };
};

// Decrypts under the source rules and encrypts under the destination rules, without the plaintext
// ever leaving the emulator.
export const reEncrypt: Operation = (context, body) => {
  const ciphertext = requiredBlob(body, "CiphertextBlob", { min: 1, max: MAX_CIPHERTEXT_BYTES });
  const destinationKeyId = requiredKeyId(body, "DestinationKeyId");
  const sourceKeyId = optionalKeyId(body, "SourceKeyId");
  const sourceContext = readContext(body, "SourceEncryptionContext");
  const destinationContext = readContext(body, "DestinationEncryptionContext");
  const sourceAlgorithm = optionalEnum(body, "SourceEncryptionAlgorithm", encryptionAlgorithms);
  const destinationAlgorithm = optionalEnum(body, "DestinationEncryptionAlgorithm", encryptionAlgorithms);

  const destination = context.store.resolveKey(destinationKeyId);
  const opened = decryptCiphertext(context, {
    ciphertext,
    context: sourceContext,
    keyId: sourceKeyId,
    algorithm: sourceAlgorithm,
  });
  const sealed = encryptUnder(context, destination, {
    plaintext: opened.plaintext,
    context: destinationContext,
    algorithm: destinationAlgorithm,
  });
  return {
    CiphertextBlob: base64(sealed.ciphertext),
    SourceKeyId: context.store.keyArn(opened.key.id),
    KeyId: context.store.keyArn(destination.id),
    SourceEncryptionAlgorithm: opened.algorithm,
    DestinationEncryptionAlgorithm: sealed.algorithm,
    SourceKeyMaterialId: opened.materialId,
    DestinationKeyMaterialId: sealed.materialId,
  };
};
