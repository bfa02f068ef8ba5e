// Every failure the emulator sends is a KmsError: the `__type` the SDK turns into an error class, the
// HTTP status the SDK's retry logic reads, and a message in KMS's own wording. Statuses follow the
// KMS API Reference (400 for client errors, 5xx for server errors), not the Smithy model's
// query-compat codes: the SDK picks the class from `__type`, and only the status decides retries.

export const errorStatus = {
  NotFoundException: 400,
  DisabledException: 400,
  KMSInvalidStateException: 400,
  InvalidCiphertextException: 400,
  IncorrectKeyException: 400,
  InvalidKeyUsageException: 400,
  InvalidAliasNameException: 400,
  InvalidArnException: 400,
  AlreadyExistsException: 400,
  UnsupportedOperationException: 400,
  LimitExceededException: 400,
  ConflictException: 400,
  InvalidMarkerException: 400,
  ValidationException: 400,
  AccessDeniedException: 400,
  ThrottlingException: 400,
  SerializationException: 400,
  UnknownOperationException: 400,
  MissingAuthenticationTokenException: 400,
  IncompleteSignatureException: 400,
  RequestEntityTooLargeException: 413,
  KMSInternalException: 500,
  DependencyTimeoutException: 500,
  KeyUnavailableException: 500,
  ServiceUnavailableException: 503,
} as const satisfies Record<string, number>;

export type KmsErrorType = keyof typeof errorStatus;

/** A failure sent to the client as `{"__type", "message"}`. `type` is open so faults can send any name. */
export class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = type;
  }
}

export function kmsError(type: KmsErrorType, message: string): KmsError {
  return new KmsError(type, message, errorStatus[type]);
}

// KMS names the member in camelCase in validation messages: 'keyId', 'numberOfBytes'.
const memberName = (field: string) => field.charAt(0).toLowerCase() + field.slice(1);

// Key ids and numbers are echoed as KMS does; very long input is cut so a message stays readable.
const shown = (value: unknown) => {
  const text = String(value);
  return text.length > 256 ? `${text.slice(0, 256)}...` : text;
};

export interface ValidationProblem {
  field: string;
  constraint: string;
  /** Left out for secret members (Plaintext, CiphertextBlob): KMS never echoes those either. */
  value?: unknown;
}

/** `1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: ...` */
export function validationError({ field, constraint, value }: ValidationProblem): KmsError {
  const subject = value === undefined ? "Value" : value === null ? "Value null" : `Value '${shown(value)}'`;
  return kmsError(
    "ValidationException",
    `1 validation error detected: ${subject} at '${memberName(field)}' failed to satisfy constraint: ${constraint}`,
  );
}

export const missingMember = (field: string) =>
  validationError({ field, value: null, constraint: "Member must not be null" });

/** For a JSON value of the wrong type: KMS's JSON parser answers SerializationException. */
export function serializationError(field: string, expected: string, value: unknown): KmsError {
  return kmsError(
    "SerializationException",
    `${jsonToken(value)} can not be converted to ${expected} (${field})`,
  );
}

function jsonToken(value: unknown): string {
  if (Array.isArray(value)) return "START_ARRAY";
  if (typeof value === "object" && value !== null) return "START_OBJECT";
  if (typeof value === "string") return "VALUE_STRING";
  if (typeof value === "number") return "VALUE_NUMBER";
  if (typeof value === "boolean") return value ? "VALUE_TRUE" : "VALUE_FALSE";
  return "VALUE_NULL";
}
