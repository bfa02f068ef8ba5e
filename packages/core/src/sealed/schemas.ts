import * as z from "zod/mini";
import { limits } from "../config";
import { base64url } from "../schemas";

/** A sealed payload: the plaintext limit plus the format's overhead at most (RSA-4096 wrapping). */
export const SealedBytes = base64url({
  maxBytes: limits.maxSealedPlaintextBytes + limits.maxSealedOverheadBytes,
  label: "sealed payload",
});

export const OpenSealedInput = z.strictObject({ sealed: SealedBytes });
export type OpenSealedInput = z.output<typeof OpenSealedInput>;
