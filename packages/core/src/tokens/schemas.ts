import * as z from "zod/mini";
import { base64urlId, EpochSeconds, KeyName } from "../schemas";
import { scopes } from "./caller";

/** A tenant's name: lower-case letters, digits and - _ . (it is part of DynamoDB keys). */
export const Namespace = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(64),
    z.regex(
      /^[a-z0-9][a-z0-9._-]*$/,
      "Use lower-case letters, digits and . _ - (starting with a letter or digit)",
    ),
  );

export const CreateTokenInput = z.strictObject({
  name: z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(64),
      z.regex(/^[\w .:@/-]+$/, "Use letters, digits, spaces and . _ : @ / -"),
    ),
  /** The tenant whose records the token reads and writes; leave out for "default". */
  namespace: z.optional(Namespace),
  scopes: z.array(z.enum(scopes)).check(
    z.minLength(1),
    z.refine((list) => new Set(list).size === list.length, "List each scope once"),
  ),
  /** Leave out to allow every data key of the catalog. */
  keyNames: z.optional(z.array(KeyName).check(z.minLength(1), z.maxLength(32))),
  /** Epoch seconds; leave out for a token that does not expire. */
  expiresAt: z.optional(EpochSeconds),
});
export type CreateTokenInput = z.infer<typeof CreateTokenInput>;

export const ListTokensInput = z.optional(
  z.strictObject({
    limit: z.optional(z.int().check(z.gte(1), z.lte(100))),
    cursor: z.optional(z.string().check(z.maxLength(2048))),
  }),
);
export type ListTokensInput = z.infer<typeof ListTokensInput>;

export const RevokeTokenInput = z.strictObject({
  tokenId: base64urlId("A token id"),
});
export type RevokeTokenInput = z.infer<typeof RevokeTokenInput>;
