// The encryption context: its rules, its one canonical byte encoding, and the KMS context derived
// from it. The canonical bytes sit in every envelope header (and so in the GCM AAD); one context
// must have exactly one encoding, or equal contexts could fail to match and unequal ones could.
import { isUtf8 } from "node:buffer";
import { limits, type EnvelopeMode } from "../config";
import type { EncryptionContext } from "../kms";
import { invalidContext, malformed } from "./errors";

export type { EncryptionContext };

/** Prefixes the caller may not use: ours bind the key slot, AWS reserves its own. */
export const reservedContextPrefixes = ["coffer:", "aws:"] as const;
/**
 * Keys that JavaScript objects cannot carry as plain data: `obj["__proto__"] = v` sets the
 * prototype instead of an entry, so the AWS SDK (and zod's record) would silently drop it from the
 * KMS context. Such a key is refused rather than bound in the header but missing in KMS.
 */
export const unrepresentableContextKeys = ["__proto__"] as const;
/** The KMS context entries that bind an envelope's key slot (docs/envelope.md, "KMS context"). */
export const KEY_NAME_ENTRY = "coffer:key";
export const KEY_VERSION_ENTRY = "coffer:version";
/** Marks a derived-mode data key, so it can never be taken for a KMS-mode one (or the reverse). */
export const MODE_ENTRY = "coffer:mode";

// A lone surrogate half cannot be carried by UTF-8 (it would silently become U+FFFD and two
// contexts could collide). String.prototype.isWellFormed (ES2024, in Node 20) finds them.
const isWellFormed = (text: string): boolean =>
  (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * Throws CofferError("invalid", …, { reason }) unless the context may be used for an envelope.
 * Lengths count UTF-16 code units, as zod's string `.max()` does; the total counts UTF-8 bytes.
 */
export function assertValidContext(context: EncryptionContext): void {
  checkContext(context);
}

/** assertValidContext then encodeContext, in one pass: what encrypt and decrypt run each time. */
export function encodeValidContext(context: EncryptionContext): Buffer {
  const utf8Bytes = checkContext(context);
  const keys = Object.keys(context);
  return writeCanonical(context, keys, 2 + 4 * keys.length + utf8Bytes);
}

/** The rules of assertValidContext; returns the UTF-8 size of all keys and values. */
function checkContext(context: EncryptionContext): number {
  if (typeof context !== "object" || context === null || Array.isArray(context)) {
    throw invalidContext("context_not_object", "The encryption context must be an object of strings.");
  }
  const keys = Object.keys(context);
  if (keys.length > limits.maxContextEntries) {
    throw invalidContext(
      "context_too_many_entries",
      `The encryption context has more than ${limits.maxContextEntries} entries. Remove some.`,
      { maxEntries: limits.maxContextEntries },
    );
  }
  let totalBytes = 0;
  for (const key of keys) {
    const value = context[key];
    if (typeof value !== "string") {
      throw invalidContext("context_not_string", "Every encryption context value must be a string.");
    }
    if (key.length === 0)
      throw invalidContext("context_empty_key", "Encryption context keys must not be empty.");
    if ((unrepresentableContextKeys as readonly string[]).includes(key)) {
      throw invalidContext(
        "context_reserved_key",
        `The encryption context key "${key}" cannot be used: rename it.`,
        { key },
      );
    }
    if (key.length > limits.maxContextKeyChars) {
      throw invalidContext(
        "context_key_too_long",
        `An encryption context key is longer than ${limits.maxContextKeyChars} characters.`,
        { maxChars: limits.maxContextKeyChars },
      );
    }
    if (value.length > limits.maxContextValueChars) {
      throw invalidContext(
        "context_value_too_long",
        `An encryption context value is longer than ${limits.maxContextValueChars} characters.`,
        { maxChars: limits.maxContextValueChars },
      );
    }
    if (!isWellFormed(key) || !isWellFormed(value)) {
      throw invalidContext("context_malformed_unicode", "The encryption context contains malformed Unicode.");
    }
    if (hasReservedPrefix(key)) {
      throw invalidContext(
        "context_reserved_key",
        `Encryption context keys must not start with ${reservedContextPrefixes.map((p) => `"${p}"`).join(" or ")}.`,
      );
    }
    // The API function may unwrap data keys whose KMS context has purpose=bin (DESIGN §2), so an
    // envelope must never carry that pair, or that function could open it.
    if (key === "purpose" && value === "bin") {
      throw invalidContext("context_reserved_pair", 'The pair purpose="bin" is reserved for secure bins.');
    }
    totalBytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (totalBytes > limits.maxContextBytes) {
    throw invalidContext(
      "context_too_large",
      `The encryption context is larger than ${limits.maxContextBytes} bytes of UTF-8. Shorten it.`,
      { maxBytes: limits.maxContextBytes },
    );
  }
  return totalBytes;
}

/** Case-insensitive; the first-letter test keeps the common case to one comparison. */
function hasReservedPrefix(key: string): boolean {
  const first = key.charCodeAt(0) | 0x20; // lower-cases ASCII letters
  if (first !== 0x63 /* c */ && first !== 0x61 /* a */) return false;
  const lowered = key.toLowerCase();
  return reservedContextPrefixes.some((prefix) => lowered.startsWith(prefix));
}

/**
 * The canonical encoding: uint16 BE count, then per entry in ascending order of the key's UTF-8
 * bytes: uint16 BE key length, key, uint16 BE value length, value. It does not check the rules
 * above, because the KMS context (with our reserved entries) goes through it too. It runs on every
 * encrypt and decrypt, so it writes strings straight into one buffer.
 */
export function encodeContext(context: EncryptionContext): Buffer {
  const keys = Object.keys(context);
  let size = 2;
  for (const key of keys) size += 4 + Buffer.byteLength(key) + Buffer.byteLength(context[key]!);
  return writeCanonical(context, keys, size);
}

function writeCanonical(context: EncryptionContext, keys: string[], size: number): Buffer {
  if (keys.length > 1) keys.sort(compareAsUtf8);
  const out = Buffer.allocUnsafe(size);
  let at = out.writeUInt16BE(keys.length, 0);
  for (const key of keys) {
    at = writeString(out, at, key);
    at = writeString(out, at, context[key]!);
  }
  return out;
}

function writeString(out: Buffer, at: number, text: string): number {
  const length = out.write(text, at + 2);
  out.writeUInt16BE(length, at);
  return at + 2 + length;
}

/**
 * Orders well-formed strings as their UTF-8 bytes would be ordered, i.e. by code point. UTF-16
 * code units already agree except that surrogates (U+D800–DFFF, which encode code points above
 * U+FFFF) must sort after U+E000–FFFF; shifting them up fixes that.
 */
function compareAsUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

const codePointRank = (unit: number): number =>
  unit >= 0xd800 ? (unit < 0xe000 ? unit + 0x2000 : unit - 0x800) : unit;

/**
 * The inverse of encodeValidContext, and strict: it accepts only bytes that encodeValidContext
 * could have written (keys non-empty and strictly ascending, valid UTF-8, nothing left over, and
 * the context rules: no reserved key, within the limits), so that one context never has two
 * encodings in two envelopes, and a header can never carry what a caller could not send. Every
 * path that reads a header's context (decrypt of a stored record, rewrap, inspect) goes through it.
 */
export function decodeContext(bytes: Uint8Array): Record<string, string> {
  const context = decodeCanonical(bytes);
  try {
    checkContext(context);
  } catch (error) {
    const reason = (error as { reason?: string }).reason ?? "context_invalid";
    throw malformed("header.context", `breaks the context rules (${reason})`);
  }
  return context;
}

/** decodeContext without the context rules: for the KMS context, which holds reserved entries. */
export function decodeCanonical(bytes: Uint8Array): Record<string, string> {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const context: Record<string, string> = Object.create(null);
  if (view.length < 2) throw malformed("header.context", "is too short for its entry count");
  const count = view.readUInt16BE(0);
  let at = 2;
  let previousKey: Buffer | undefined;
  const take = (what: string): Buffer => {
    if (at + 2 > view.length) throw malformed("header.context", `ends inside the length of a ${what}`);
    const length = view.readUInt16BE(at);
    if (at + 2 + length > view.length) throw malformed("header.context", `ends inside a ${what}`);
    const field = view.subarray(at + 2, at + 2 + length);
    at += 2 + length;
    return field;
  };
  const text = (field: Buffer, what: string): string => {
    if (!isUtf8(field)) throw malformed("header.context", `has a ${what} that is not valid UTF-8`);
    return field.toString("utf8");
  };
  for (let i = 0; i < count; i++) {
    const key = take("key");
    if (key.length === 0) throw malformed("header.context", "has an empty key");
    if (previousKey && Buffer.compare(previousKey, key) >= 0) {
      throw malformed(
        "header.context",
        "is not in canonical order (keys sorted by UTF-8 bytes, no duplicates)",
      );
    }
    previousKey = key;
    const value = take("value");
    context[text(key, "key")] = text(value, "value");
  }
  if (at !== view.length) throw malformed("header.context", "has bytes after its last entry");
  return { ...context };
}

/**
 * The context KMS wraps the data key under: the caller's context plus entries naming the key and
 * its version. The version lives outside the GCM AAD (so rewrap can change it); binding it here
 * makes KMS refuse to unwrap an envelope whose version was edited.
 */
export function kmsContextFor(
  keyName: string,
  keyVersion: number,
  context: EncryptionContext,
): EncryptionContext {
  return { ...context, [KEY_NAME_ENTRY]: keyName, [KEY_VERSION_ENTRY]: String(keyVersion) };
}

/**
 * The KMS context of an envelope's data key in either mode. KMS mode: kmsContextFor, the caller's
 * context included. Derived mode: Coffer's own entries only, so one data key serves every context
 * of a key version; the caller's context goes into the HKDF info instead (derive.ts).
 */
export function kmsContextForMode(
  mode: EnvelopeMode,
  keyName: string,
  keyVersion: number,
  context: EncryptionContext,
): EncryptionContext {
  if (mode === "kms") return kmsContextFor(keyName, keyVersion, context);
  return { [KEY_NAME_ENTRY]: keyName, [KEY_VERSION_ENTRY]: String(keyVersion), [MODE_ENTRY]: "derived" };
}
