import type { TokenService } from "./service";

/**
 * The first admin token of a stage, made straight in the table (no admin exists yet to call
 * admin.tokens.create). It holds only the `admin` scope: its holder makes the tokens that encrypt
 * and decrypt, each in its namespace, so a leaked bootstrap token reads no data by itself.
 * `expiresAt` (epoch seconds) bounds its life. Returns undefined when the stage already has tokens,
 * unless forced.
 */
export async function createFirstAdminToken(
  tokens: TokenService,
  options: { force?: boolean; expiresAt?: number } = {},
) {
  if (!options.force && (await tokens.hasAny())) return undefined;
  return tokens.create(
    {
      name: "first-admin",
      scopes: ["admin"],
      ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : {}),
    },
    { tokenId: "system:bootstrap", requestId: "first-admin-token" },
  );
}
