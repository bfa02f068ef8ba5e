import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import { BASE64URL } from "@coffer/sealing/bytes";
import { dataKeyNames } from "../config";
import { assertValidContext } from "../crypto";
import { CofferError } from "../errors";

// zod/mini keeps the Lambda bundles small (DESIGN §8); it ships without messages, so load English
// ones once: "Too big: expected string to have <=64 characters" beats "Invalid input". Import zod
// as `import * as z from "zod/mini"` in each schema file: a namespace re-exported from here would
// defeat tree-shaking and pull all of zod (~430 KB) into the Lambda bundles.
z.config(en());

/**
 * Binary values travel as base64url strings. The decoded size is checked from the string's length
 * before anything is decoded, so an oversized value costs no work.
 */
export function base64url({
  maxBytes,
  minBytes = 0,
  label = "value",
}: {
  maxBytes: number;
  minBytes?: number;
  label?: string;
}) {
  const maxChars = Math.ceil((maxBytes * 4) / 3);
  const minChars = Math.ceil((minBytes * 4) / 3);
  return z.pipe(
    z.string().check(
      z.maxLength(maxChars, `Too big: the ${label} may be at most ${maxBytes} bytes`),
      z.minLength(minChars, `Too small: the ${label} must be at least ${minBytes} bytes`),
      z.regex(BASE64URL, `The ${label} must be base64url (A-Z a-z 0-9 - _, no padding)`),
      z.refine(
        (value) => value.length % 4 !== 1,
        `The ${label} is not valid base64url: its length is impossible`,
      ),
    ),
    z.transform((value) => Buffer.from(value, "base64url")),
  );
}

/**
 * The ids we mint (records, bins, tokens, request links, campaigns; ids/index.ts): 16 random bytes,
 * so 22 base64url characters. A leading "-" stays valid: new ids never have one, older ids may.
 */
export const base64urlId = (label: string) =>
  z
    .string()
    .check(
      z.refine(
        (value) => value.length === 22 && BASE64URL.test(value),
        `${label} is 22 base64url characters`,
      ),
    );

export const KeyName = z.string().check(
  z.refine((name) => dataKeyNames.includes(name), {
    message: `Unknown key name. Known keys: ${dataKeyNames.join(", ")}`,
  }),
);
// The refinement is invisible to JSON Schema; the OpenAPI document lists the names from here.
z.globalRegistry.add(KeyName, { description: "A data key of the catalog.", enum: [...dataKeyNames] });

/**
 * An encryption context, checked by the crypto core's own rules (limits, reserved keys), so that a
 * bad context is a BAD_REQUEST with a path before any work, and the two can never disagree.
 *
 * The rules run on the object exactly as JSON.parse made it, not on a copy: zod's record copies
 * entries into a fresh `{}`, where a `__proto__` entry silently vanishes (issue 13). Here every own
 * key is checked, so such a key is refused with its name, and nothing is ever dropped. The value is
 * passed on as it was received. Duplicate keys in the JSON text are refused before parsing, by the
 * HTTP adapter (packages/functions/src/handlers/request-screen.ts), since JSON.parse keeps the last.
 */
export const EncryptionContext = z.custom<Record<string, string>>().check(
  z.superRefine((context, payload) => {
    try {
      assertValidContext(context);
    } catch (error) {
      if (!(error instanceof CofferError)) throw error;
      payload.issues.push({ code: "custom", message: error.message, input: context });
    }
  }),
);

/** Epoch seconds. Whether it lies in the future is for the services, which own the clock. */
export const EpochSeconds = z.int().check(z.positive(), z.lte(2 ** 40));

/** A page request of any list: how many items, and the `cursor` of the previous page, as given. */
export const PageInput = z.optional(
  z.strictObject({
    limit: z.optional(z.int().check(z.gte(1), z.lte(100))),
    cursor: z.optional(z.string().check(z.maxLength(2048))),
  }),
);
