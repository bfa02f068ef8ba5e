import { randomBytes } from "node:crypto";

// The one place Coffer draws the ids it mints: records, bins, tokens, request links, campaigns.
// An id is 16 random bytes, written as 22 base64url characters (the schemas check exactly that:
// schemas/index.ts, base64urlId).
//
// Why the first character is drawn differently: base64url's alphabet holds "-", so one id in 64
// would start with it, and a command line reads `coffer records get -Xy…` as an option. The first
// character is the top six bits of the first byte, and "-" is the value 62 (bytes 0xF8–0xFB); that
// byte is drawn again until it is anything else, which leaves the other 63 first characters equally
// likely and every other bit untouched. Cost: log2(64/63) ≈ 0.023 bits, so an id holds
// 128 − 0.023 ≈ 127.98 bits (a UUID v4 holds 122). Ids name things; they are never the secret that
// opens them (a token's secret, a bin's key and read proof, a link's secret are drawn apart). Ids
// minted before this change, or typed by hand, may still start with "-": the CLI takes them after
// "--" (docs/cli.md).

export const ID_BYTES = 16;

/** The base64url value of "-" (0b111110): the top six bits an id's first byte must not have. */
const DASH = 62;

const startsWithDash = (firstByte: number) => firstByte >> 2 === DASH;

/** 16 random bytes whose base64url form does not start with "-". */
export function newIdBytes(): Buffer {
  const bytes = randomBytes(ID_BYTES);
  while (startsWithDash(bytes[0]!)) bytes[0] = randomBytes(1)[0]!;
  return bytes;
}

/** A new id: 22 base64url characters, never starting with "-". */
export const newId = (): string => newIdBytes().toString("base64url");
