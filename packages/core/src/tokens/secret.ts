import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { BASE64URL } from "@coffer/sealing/bytes";
import { ID_BYTES, newIdBytes } from "../ids";

// A token is "coffer_" + base64url(16-byte id ‖ 32-byte secret): one opaque string that secret
// scanners can spot by its prefix. The id finds the stored item; only SHA-256(secret) is stored.
// The secret has 256 bits of entropy, so a plain hash (no salt, no stretching) is enough.

const PREFIX = "coffer_";
const SECRET_BYTES = 32;
const ENCODED_LENGTH = Math.ceil(((ID_BYTES + SECRET_BYTES) * 4) / 3);

export interface MintedToken {
  tokenId: string;
  token: string;
  secretHash: string;
}

const hashSecret = (secret: Buffer) => createHash("sha256").update(secret).digest();

export function mintToken(): MintedToken {
  const raw = Buffer.concat([newIdBytes(), randomBytes(SECRET_BYTES)]);
  return {
    tokenId: raw.subarray(0, ID_BYTES).toString("base64url"),
    token: PREFIX + raw.toString("base64url"),
    secretHash: hashSecret(raw.subarray(ID_BYTES)).toString("base64url"),
  };
}

export interface ParsedToken {
  tokenId: string;
  secret: Buffer;
}

export function parseToken(token: string): ParsedToken | undefined {
  if (!token.startsWith(PREFIX) || token.length !== PREFIX.length + ENCODED_LENGTH) return undefined;
  const encoded = token.slice(PREFIX.length);
  if (!BASE64URL.test(encoded)) return undefined;
  const raw = Buffer.from(encoded, "base64url");
  if (raw.length !== ID_BYTES + SECRET_BYTES) return undefined;
  return { tokenId: raw.subarray(0, ID_BYTES).toString("base64url"), secret: raw.subarray(ID_BYTES) };
}

export function secretMatches(secret: Buffer, storedHash: string): boolean {
  const stored = Buffer.from(storedHash, "base64url");
  const actual = hashSecret(secret);
  return stored.length === actual.length && timingSafeEqual(stored, actual);
}
