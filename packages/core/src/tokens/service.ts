import { LRUCache } from "lru-cache";
import { type Clock, toEpochSeconds } from "../clock";
import {
  type AppendedHead,
  type AuditActor,
  type Db,
  guard,
  readTokenUsage,
  TOKENS_CHAIN,
  type TokenItem,
  writeAudited,
} from "../db";
import { CofferError } from "../errors";
import { type Caller, DEFAULT_NAMESPACE, type Scope } from "./caller";
import type { CreateTokenInput, ListTokensInput, RevokeTokenInput } from "./schemas";
import { mintToken, parseToken, secretMatches } from "./secret";

export interface TokenServiceDeps {
  db: Db;
  clock: Clock;
  /**
   * How long a verified token is trusted without reading it again. A revoke takes effect at once on
   * the instance that made it and within this window on every other warm Lambda instance; it is
   * what keeps a DynamoDB read off every request (DESIGN §8's HTTP target).
   */
  cacheMs?: number;
  /** Called with the tokens chain's new head after each append; the functions package logs it. */
  onAuditAppended?: (head: AppendedHead) => void;
}

/** Who acts when no token does: the bootstrap script and tests that mint tokens directly. */
export const SYSTEM_ACTOR: AuditActor = { tokenId: "system", requestId: "direct" };

export interface TokenSummary {
  tokenId: string;
  name: string;
  namespace: string;
  scopes: Scope[];
  keyNames: string[] | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  status: "active" | "revoked" | "expired";
}

/** A token's all-time usage, as the usage meter counted it (within about a second). */
export interface TokenUsage {
  encrypts: number;
  decrypts: number;
  /** Plaintext bytes encrypted plus decrypted. */
  bytes: number;
  /** ISO 8601 (UTC) of the last counted use, or null. */
  lastUsedAt: string | null;
}

const MISSING = "Send an API token as an `Authorization: Bearer <token>` header.";
const INVALID = "The API token is unknown, revoked or expired. Ask an administrator for a valid one.";
const MAX_CACHED = 1_000;

export function createTokenService({ db, clock, cacheMs = 1_000, onAuditAppended }: TokenServiceDeps) {
  // Tokens whose secret matched, trusted for cacheMs on this instance, the least recently used
  // dropped first; the cache reads time from the service's clock so tests move it by hand.
  const verified = new LRUCache<string, TokenItem>({ max: MAX_CACHED, ttl: cacheMs, perf: clock });
  const nowSeconds = () => toEpochSeconds(clock.now());

  const statusOf = (item: TokenItem): TokenSummary["status"] =>
    item.revokedAt !== undefined
      ? "revoked"
      : item.expiresAt !== undefined && item.expiresAt <= nowSeconds()
        ? "expired"
        : "active";

  const summarize = (item: TokenItem): TokenSummary => ({
    tokenId: item.tokenId,
    name: item.name,
    namespace: item.namespace ?? DEFAULT_NAMESPACE,
    scopes: item.scopes as Scope[],
    keyNames: item.keyNames ?? null,
    createdAt: item.createdAt,
    expiresAt: item.expiresAt ?? null,
    revokedAt: item.revokedAt ?? null,
    status: statusOf(item),
  });

  /** The secret is in the answer once and nowhere else: only its hash is stored. */
  async function create(
    input: CreateTokenInput,
    actor: AuditActor = SYSTEM_ACTOR,
  ): Promise<TokenSummary & { token: string }> {
    if (input.expiresAt !== undefined && input.expiresAt <= nowSeconds()) {
      throw new CofferError("invalid", "expiresAt must lie in the future (epoch seconds).", {
        reason: "expiry_in_past",
      });
    }
    const { tokenId, token, secretHash } = mintToken();
    const item = {
      tokenId,
      name: input.name,
      namespace: input.namespace ?? DEFAULT_NAMESPACE,
      secretHash,
      scopes: [...new Set(input.scopes)],
      ...(input.keyNames ? { keyNames: [...new Set(input.keyNames)] } : {}),
      createdAt: nowSeconds(),
      ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
    };
    const head = await writeAudited(
      db,
      {
        chain: TOKENS_CHAIN,
        action: "token.create",
        subject: tokenId,
        details: {
          name: item.name,
          scopes: item.scopes.join(","),
          keyNames: item.keyNames?.join(",") ?? null,
          expiresAt: item.expiresAt ?? null,
        },
        actor,
        at: clock.now(),
      },
      ({ token: tokens }) => [tokens.create(item).commit()],
      () =>
        new CofferError("conflict", "A token with this id already exists. Retry.", {
          reason: "token_exists",
        }),
    );
    onAuditAppended?.(head);
    return { ...summarize(item as TokenItem), token };
  }

  async function list(
    input: ListTokensInput = {},
  ): Promise<{ tokens: (TokenSummary & { usage: TokenUsage })[]; cursor: string | null }> {
    const page = await guard(
      db.entities.token.query
        .all({})
        .go({ order: "desc", limit: input?.limit ?? 50, cursor: input?.cursor ?? null }),
    ).catch((error: unknown) => {
      if (error instanceof CofferError) throw error;
      throw new CofferError("invalid", "The cursor is not one this service gave out.", {
        reason: "bad_cursor",
      });
    });
    const usage = await readTokenUsage(
      db,
      page.data.map((item) => item.tokenId),
    );
    return {
      tokens: page.data.map((item) => {
        const used = usage.get(item.tokenId);
        return {
          ...summarize(item),
          usage: {
            encrypts: used?.encrypts ?? 0,
            decrypts: used?.decrypts ?? 0,
            bytes: used?.bytes ?? 0,
            lastUsedAt: used?.lastUsedAt !== undefined ? new Date(used.lastUsedAt).toISOString() : null,
          },
        };
      }),
      cursor: page.cursor,
    };
  }

  async function revoke(
    { tokenId }: RevokeTokenInput,
    actor: AuditActor = SYSTEM_ACTOR,
  ): Promise<TokenSummary> {
    verified.delete(tokenId);
    const { data } = await guard(db.entities.token.get({ tokenId }).go({ consistent: true }));
    if (!data) throw new CofferError("not_found", "No token has that id.", { reason: "token_not_found" });
    if (data.revokedAt !== undefined) return summarize(data);
    const revokedAt = nowSeconds();
    const head = await writeAudited(
      db,
      { chain: TOKENS_CHAIN, action: "token.revoke", subject: tokenId, details: {}, actor, at: clock.now() },
      ({ token: tokens }) => [
        tokens
          .patch({ tokenId })
          .set({ revokedAt })
          .where((attr, op) => op.notExists(attr.revokedAt))
          .commit(),
      ],
      () =>
        new CofferError("conflict", "The token changed while it was being revoked. Retry.", {
          reason: "token_changed",
        }),
    );
    onAuditAppended?.(head);
    return summarize({ ...data, revokedAt });
  }

  async function lookup(tokenId: string): Promise<TokenItem | undefined> {
    const cached = verified.get(tokenId);
    if (cached) return cached;
    const { data } = await guard(db.entities.token.get({ tokenId }).go({ consistent: true }));
    return data ?? undefined;
  }

  /** Resolves the Authorization header to a caller, or throws "unauthenticated". */
  async function authenticate(authorization: string | undefined): Promise<Caller> {
    const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
    if (!match) throw new CofferError("unauthenticated", MISSING, { reason: "token_missing" });
    const parsed = parseToken(match[1]!);
    const item = parsed && (await lookup(parsed.tokenId));
    if (!parsed || !item || !secretMatches(parsed.secret, item.secretHash) || statusOf(item) !== "active") {
      throw new CofferError("unauthenticated", INVALID, { reason: "token_invalid" });
    }
    if (!verified.has(item.tokenId)) verified.set(item.tokenId, item);
    return {
      tokenId: item.tokenId,
      namespace: item.namespace ?? DEFAULT_NAMESPACE,
      scopes: item.scopes as Scope[],
      ...(item.keyNames ? { keyNames: item.keyNames } : {}),
    };
  }

  async function hasAny(): Promise<boolean> {
    const page = await guard(db.entities.token.query.all({}).go({ limit: 1 }));
    return page.data.length > 0;
  }

  return { create, list, revoke, authenticate, hasAny };
}

export type TokenService = ReturnType<typeof createTokenService>;
