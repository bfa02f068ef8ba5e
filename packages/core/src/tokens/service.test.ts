import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { toEpochSeconds } from "../clock";
import { createTestTable, tableClock, type TestTable } from "@coffer/testkit/dynamo";
import { createTokenService } from "./service";
import { outcomeOf } from "@coffer/testkit/outcome";

let table: TestTable;
beforeAll(async () => void (table = await createTestTable()));
afterAll(() => table.drop());

describe("tokens", () => {
  test("the secret is returned once and only its hash is stored", async () => {
    const tokens = createTokenService({ db: table.db, clock: tableClock() });
    const created = await tokens.create({ name: "ci", scopes: ["encrypt"] });
    expect(created.token).toMatch(/^coffer_[A-Za-z0-9_-]{64}$/);
    const { data } = await table.db.entities.token.get({ tokenId: created.tokenId }).go();
    expect(JSON.stringify(data)).not.toContain(created.token.slice("coffer_".length));
    expect(data!.secretHash).toHaveLength(43);
    const listed = await tokens.list();
    expect(JSON.stringify(listed)).not.toContain(data!.secretHash);
    expect(listed.tokens.map((t) => t.tokenId)).toContain(created.tokenId);
  });

  test("authenticate accepts the token and refuses anything else", async () => {
    const tokens = createTokenService({ db: table.db, clock: tableClock() });
    const { token, tokenId } = await tokens.create({
      name: "svc",
      scopes: ["decrypt", "encrypt"],
      keyNames: ["default"],
    });
    await expect(tokens.authenticate(`Bearer ${token}`)).resolves.toEqual({
      tokenId,
      namespace: "default",
      scopes: ["decrypt", "encrypt"],
      keyNames: ["default"],
    });
    expect(await outcomeOf(tokens.authenticate(undefined))).toBe("unauthenticated:token_missing");
    expect(await outcomeOf(tokens.authenticate("Basic abc"))).toBe("unauthenticated:token_missing");
    expect(await outcomeOf(tokens.authenticate("Bearer coffer_nope"))).toBe("unauthenticated:token_invalid");
    const forged = token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect(await outcomeOf(tokens.authenticate(`Bearer ${forged}`))).toBe("unauthenticated:token_invalid");
  });

  test("a revoke takes effect on the next request, even with a warm cache", async () => {
    const tokens = createTokenService({
      db: table.db,
      clock: tableClock(),
      cacheMs: 60_000,
    });
    const { token, tokenId } = await tokens.create({ name: "gone", scopes: ["encrypt"] });
    await tokens.authenticate(`Bearer ${token}`);
    const revoked = await tokens.revoke({ tokenId });
    expect(revoked.status).toBe("revoked");
    expect(await outcomeOf(tokens.authenticate(`Bearer ${token}`))).toBe("unauthenticated:token_invalid");
  });

  test("another instance honours a revoke once its cache window passes", async () => {
    const clock = tableClock();
    const elsewhere = createTokenService({ db: table.db, clock, cacheMs: 1_000 });
    const here = createTokenService({ db: table.db, clock, cacheMs: 1_000 });
    const { token, tokenId } = await here.create({ name: "two-instances", scopes: ["encrypt"] });
    await elsewhere.authenticate(`Bearer ${token}`);
    await here.revoke({ tokenId });
    clock.advance(1_001);
    expect(await outcomeOf(elsewhere.authenticate(`Bearer ${token}`))).toBe("unauthenticated:token_invalid");
  });

  test("an expired token is refused before any TTL sweep", async () => {
    const clock = tableClock();
    const tokens = createTokenService({ db: table.db, clock });
    const now = toEpochSeconds(clock.now());
    const { token } = await tokens.create({ name: "short", scopes: ["encrypt"], expiresAt: now + 60 });
    expect(await outcomeOf(tokens.authenticate(`Bearer ${token}`))).toBe("ok");
    clock.advance(61_000);
    expect(await outcomeOf(tokens.authenticate(`Bearer ${token}`))).toBe("unauthenticated:token_invalid");
    expect(await outcomeOf(tokens.create({ name: "past", scopes: ["encrypt"], expiresAt: now - 1 }))).toBe(
      "invalid:expiry_in_past",
    );
  });

  test("revoking an unknown token is NOT_FOUND", async () => {
    const tokens = createTokenService({ db: table.db, clock: tableClock() });
    expect(await outcomeOf(tokens.revoke({ tokenId: "A".repeat(22) }))).toBe("not_found:token_not_found");
  });
});
