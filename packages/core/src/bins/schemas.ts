import { limits } from "../config";
import * as z from "zod/mini";
import { base64url, base64urlId } from "../schemas";

// The secure-bin API's inputs (DESIGN §3, §6). Every binary value has its exact or maximum size
// here, so an oversized request is refused before any KMS or DynamoDB work.

export const BinId = base64urlId("A bin id");

const derived32 = (label: string) => base64url({ minBytes: 32, maxBytes: 32, label });
/** Optional on purpose: a missing proof is FORBIDDEN (a refused proof), not a malformed request. */
const wrappedKey = z.optional(base64url({ maxBytes: limits.maxBinWrappedKeyBytes, label: "wrapped key" }));

/** What the browser encrypted, and what a reader needs to open it. */
const content = {
  kind: z.enum(["text", "file"]),
  /** Small contents travel here… */
  ciphertext: z.optional(
    base64url({ minBytes: 16, maxBytes: limits.maxBinCiphertextBytes, label: "ciphertext" }),
  ),
  /** …larger ones go to object storage: their size here, the bytes through a presigned URL. */
  objectBytes: z.optional(
    z.int().check(z.gte(limits.maxBinCiphertextBytes + 1), z.lte(limits.maxBinObjectBytes)),
  ),
  iv: base64url({ minBytes: 12, maxBytes: 12, label: "IV" }),
  /** Present when the browser added a passphrase layer. */
  passphraseSalt: z.optional(base64url({ minBytes: 16, maxBytes: 16, label: "passphrase salt" })),
  /** SHA-256 of the link proof (docs/bins.md); the server never sees a proof before a reveal. */
  linkProofHash: derived32("link proof hash"),
  /** SHA-256 of the read proof (link + passphrase). */
  readProofHash: derived32("read proof hash"),
};

/** Exactly one of the two places for the ciphertext. */
const oneContentPlace = z.refine(
  (input: unknown) => {
    const { ciphertext, objectBytes } = input as { ciphertext?: unknown; objectBytes?: unknown };
    return (ciphertext === undefined) !== (objectBytes === undefined);
  },
  { message: "Send either the ciphertext or objectBytes, not both or neither", path: ["ciphertext"] },
);

export const CreateBinInput = z
  .strictObject({
    binId: BinId,
    wrappedKey,
    ...content,
    /** HKDF(kms key, "manage"); checked against the key that KMS unwraps. */
    manageCommitment: derived32("manage commitment"),
    expiresInSeconds: z._default(
      z.int().check(z.gte(limits.minBinExpirySeconds), z.lte(limits.maxBinExpirySeconds)),
      limits.defaultBinExpirySeconds,
    ),
    /** 1 is burn-after-read. */
    maxReads: z._default(z.int().check(z.gte(1), z.lte(limits.maxBinReads)), 1),
  })
  .check(oneContentPlace);
export type CreateBinInput = z.infer<typeof CreateBinInput>;

export const GetBinInput = z.strictObject({ binId: BinId });
export type GetBinInput = z.infer<typeof GetBinInput>;

export const RevealBinInput = z.strictObject({
  binId: BinId,
  /** "I hold the whole link": a wrong one is refused and never counted against the bin. */
  linkProof: derived32("link proof"),
  /** "…and the passphrase": a wrong one (with the right link proof) counts as a wrong passphrase. */
  readProof: derived32("read proof"),
});
export type RevealBinInput = z.infer<typeof RevealBinInput>;

export const UpdateBinInput = z
  .strictObject({
    binId: BinId,
    wrappedKey,
    /** The version the owner read; a stale one is CONFLICT, so no update is lost. */
    version: z.int().check(z.gte(1), z.lte(2 ** 31)),
    ...content,
  })
  .check(oneContentPlace);
export type UpdateBinInput = z.infer<typeof UpdateBinInput>;

/** Brings the expiry forward (never later than it was, never in the past). */
export const SetBinExpiryInput = z.strictObject({
  binId: BinId,
  wrappedKey,
  /** Epoch seconds. */
  expiresAt: z.int().check(z.gte(0), z.lte(2 ** 40)),
});
export type SetBinExpiryInput = z.infer<typeof SetBinExpiryInput>;

/** The reader's page, after downloading the last read of a large bin: its object can go now. */
export const ReleaseBinInput = z.strictObject({ binId: BinId, linkProof: derived32("link proof") });
export type ReleaseBinInput = z.infer<typeof ReleaseBinInput>;

export const DeleteBinInput = z.strictObject({ binId: BinId, wrappedKey });
export type DeleteBinInput = z.infer<typeof DeleteBinInput>;
