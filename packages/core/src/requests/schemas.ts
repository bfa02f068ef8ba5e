import * as z from "zod/mini";
import { limits } from "../config";
import { base64urlId, KeyName } from "../schemas";
import { SealedBytes } from "../sealed";

const RequestId = base64urlId("A request id");
/** The link secret: 32 random bytes, 43 base64url characters, carried in the link's fragment. */
const LinkSecret = z
  .string()
  .check(
    z.refine((value) => /^[A-Za-z0-9_-]{43}$/.test(value), "The link secret is 43 base64url characters"),
  );

export const CreateRequestInput = z.strictObject({
  /** Shown to the sender: who asks, and for what. Not secret: it is stored in clear. */
  note: z.string().check(z.minLength(1), z.maxLength(limits.maxRequestNoteChars)),
  /** The key the submissions are stored under (the requester's token must allow it). */
  keyName: z._default(KeyName, "default"),
  expiresInSeconds: z._default(
    z.int().check(z.gte(limits.minRequestExpirySeconds), z.lte(limits.maxRequestExpirySeconds)),
    limits.defaultRequestExpirySeconds,
  ),
  maxSubmissions: z._default(z.int().check(z.gte(1), z.lte(limits.maxRequestSubmissions)), 1),
});
export type CreateRequestInput = z.output<typeof CreateRequestInput>;

export const ListRequestsInput = z.optional(
  z.strictObject({
    limit: z.optional(z.int().check(z.gte(1), z.lte(100))),
    cursor: z.optional(z.string().check(z.maxLength(2048))),
  }),
);
export type ListRequestsInput = z.output<typeof ListRequestsInput>;

export const RequestLinkInput = z.strictObject({ requestId: RequestId, secret: LinkSecret });
export type RequestLinkInput = z.output<typeof RequestLinkInput>;

export const SubmitRequestInput = z.strictObject({
  requestId: RequestId,
  secret: LinkSecret,
  sealed: SealedBytes,
});
export type SubmitRequestInput = z.output<typeof SubmitRequestInput>;
