import { TRPCClientError } from "@trpc/client";

/**
 * How a call through the client ended: "ok", or the refusal's tRPC code with its reason when it has
 * one ("FORBIDDEN:scope_missing"). Anything that is not a tRPC refusal is rethrown.
 */
export async function refusalOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "ok";
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = error.data as { code: string; reason?: string } | undefined;
    return data?.reason ? `${data.code}:${data.reason}` : String(data?.code);
  }
}

/** Only the tRPC code of the refusal (or "ok"). */
export const codeOf = async (call: Promise<unknown>): Promise<string> =>
  (await refusalOf(call)).split(":")[0]!;
