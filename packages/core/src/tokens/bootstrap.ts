import type { TokenService } from "./service";
import { scopes } from "./caller";

/**
 * The first admin token of a stage, made straight in the table (no admin exists yet to call
 * admin.tokens.create). Returns undefined when the stage already has tokens, unless forced.
 */
export async function createFirstAdminToken(tokens: TokenService, options: { force?: boolean } = {}) {
  if (!options.force && (await tokens.hasAny())) return undefined;
  return tokens.create(
    { name: "first-admin", scopes: [...scopes] },
    { tokenId: "system:bootstrap", requestId: "first-admin-token" },
  );
}
