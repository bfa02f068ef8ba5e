import { timingSafeEqual } from "node:crypto";
import { deriveManageCommitment } from "@coffer/sealing/bins";
import { CofferError, isCofferError } from "../errors";
import type { Kms } from "../kms";

// The server's half of the bin proofs. The wrapped key proves "KMS issued this key for this bin":
// it unwraps only under {purpose: "bin", binId}, which is also the only context the API function's
// IAM policy allows on the bins key. The unwrapped key lives here just long enough to derive the
// manage commitment, and is zeroed.

export const binContext = (binId: string) => ({ purpose: "bin", binId });

// The rate limiter's pepper is wrapped under the bins key as well. Its context has the purpose the
// IAM policy allows but no binId, so no bin proof, whatever wrapped key a caller sends, opens it.
export const rateLimitPepperContext = { purpose: "bin", pepper: "rate-limit/v1" } as const;

const refused = () =>
  new CofferError(
    "forbidden",
    "This manage link does not control this bin. Use the complete manage link you got when you created it.",
    {
      reason: "manage_proof_refused",
    },
  );

export function requireWrappedKey(wrappedKey: Buffer | undefined): Buffer {
  if (!wrappedKey?.length) throw refused();
  return wrappedKey;
}

/** Unwraps the bin's key through KMS and returns the manage commitment derived from it. */
export async function commitmentFromWrappedKey(input: {
  kms: Kms;
  keyId: string;
  binId: string;
  wrappedKey: Buffer;
}): Promise<Buffer> {
  let key: Buffer;
  try {
    key = await input.kms.decrypt({
      wrapped: input.wrappedKey,
      context: binContext(input.binId),
      keyId: input.keyId,
    });
  } catch (error) {
    // Altered, made for another bin, or made under another key: all mean "not this bin's key".
    if (isCofferError(error, "invalid")) throw refused();
    throw error;
  }
  try {
    return Buffer.from(await deriveManageCommitment(key, input.binId));
  } finally {
    key.fill(0);
  }
}

export function assertCommitmentsMatch(expected: Uint8Array, actual: Uint8Array): void {
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw refused();
}
