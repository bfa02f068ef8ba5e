// Reads request members the way KMS does: a JSON value of the wrong type is a SerializationException
// (the JSON layer rejects it), a value of the right type that breaks a length, range or enum is a
// ValidationException (the model rejects it). JSON null counts as absent, as in AWS.
import { kmsError, missingMember, serializationError, validationError } from "./errors";

export type RequestBody = Record<string, unknown>;

interface LengthRule {
  min?: number;
  max?: number;
}

function present(body: RequestBody, field: string): unknown {
  const value = body[field];
  return value === null ? undefined : value;
}

export function optionalString(body: RequestBody, field: string, { min, max }: LengthRule = {}) {
  const value = present(body, field);
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw serializationError(field, "String", value);
  if (min !== undefined && value.length < min)
    throw validationError({
      field,
      value,
      constraint: `Member must have length greater than or equal to ${min}`,
    });
  if (max !== undefined && value.length > max)
    throw validationError({
      field,
      value,
      constraint: `Member must have length less than or equal to ${max}`,
    });
  return value;
}

export function requiredString(body: RequestBody, field: string, rule?: LengthRule): string {
  const value = optionalString(body, field, rule);
  if (value === undefined) throw missingMember(field);
  return value;
}

/** Any of the four key id forms; resolution happens later, against the key store. */
export const requiredKeyId = (body: RequestBody, field = "KeyId") =>
  requiredString(body, field, { min: 1, max: 2048 });
export const optionalKeyId = (body: RequestBody, field: string) =>
  optionalString(body, field, { min: 1, max: 2048 });

export function optionalInteger(
  body: RequestBody,
  field: string,
  { min, max }: { min: number; max: number },
) {
  const value = present(body, field);
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || Math.abs(value) > 2 ** 31 - 1)
    throw serializationError(field, "Integer", value);
  if (value < min)
    throw validationError({
      field,
      value,
      constraint: `Member must have value greater than or equal to ${min}`,
    });
  if (value > max)
    throw validationError({
      field,
      value,
      constraint: `Member must have value less than or equal to ${max}`,
    });
  return value;
}

export function optionalBoolean(body: RequestBody, field: string): boolean | undefined {
  const value = present(body, field);
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw serializationError(field, "Boolean", value);
  return value;
}

export function optionalEnum<const T extends string>(
  body: RequestBody,
  field: string,
  allowed: readonly T[],
) {
  const value = optionalString(body, field);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw validationError({
      field,
      value,
      constraint: `Member must satisfy enum value set: [${allowed.join(", ")}]`,
    });
  return value as T;
}

// Standard base64 as the SDK sends it; padding may be left out, but no other alphabet is accepted.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** A blob member. Its value is never echoed in a message: blobs carry plaintext and ciphertext. */
export function optionalBlob(body: RequestBody, field: string, { min, max }: Required<LengthRule>) {
  const value = present(body, field);
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw serializationError(field, "Blob", value);
  if (!BASE64.test(value))
    throw kmsError("SerializationException", `Base64 encoded value expected for '${field}'`);
  const bytes = Buffer.from(value, "base64");
  if (bytes.length < min)
    throw validationError({ field, constraint: `Member must have length greater than or equal to ${min}` });
  if (bytes.length > max)
    throw validationError({ field, constraint: `Member must have length less than or equal to ${max}` });
  return bytes;
}

export function requiredBlob(body: RequestBody, field: string, rule: Required<LengthRule>): Buffer {
  const value = optionalBlob(body, field, rule);
  if (value === undefined) throw missingMember(field);
  return value;
}

export type EncryptionContext = Record<string, string>;

/** Absent and `{}` are the same context. Values must be strings and keys non-empty (spec §3 choice). */
export function readContext(body: RequestBody, field: string): EncryptionContext {
  const value = present(body, field);
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw serializationError(field, "Map", value);
  // No prototype: a context key named "__proto__" must be kept like any other, not swallowed.
  const context: EncryptionContext = Object.create(null) as EncryptionContext;
  for (const [key, entry] of Object.entries(value)) {
    if (key.length === 0)
      throw validationError({ field, constraint: "Map keys must have length greater than or equal to 1" });
    if (typeof entry !== "string") throw validationError({ field, constraint: "Map values must be strings" });
    context[key] = entry;
  }
  return context;
}

export interface Tag {
  TagKey: string;
  TagValue: string;
}

export function readTags(body: RequestBody, field = "Tags"): Tag[] {
  const value = present(body, field);
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw serializationError(field, "List", value);
  return value.map((entry: unknown) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry))
      throw serializationError(field, "Tag", entry);
    const tag = entry as RequestBody;
    return {
      TagKey: requiredString(tag, "TagKey", { min: 1, max: 128 }),
      TagValue: requiredString(tag, "TagValue", { min: 0, max: 256 }),
    };
  });
}

export const readLimit = (body: RequestBody, max: number, fallback: number) =>
  optionalInteger(body, "Limit", { min: 1, max }) ?? fallback;

export const readMarker = (body: RequestBody) => optionalString(body, "Marker", { min: 1, max: 1024 });
