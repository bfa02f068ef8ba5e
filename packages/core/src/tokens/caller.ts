import { CofferError } from "../errors";

// `drop` can do nothing but store sealed input (records.putSealed) and make request links.
export const scopes = ["datakey", "encrypt", "decrypt", "rewrap", "drop", "admin"] as const;
export type Scope = (typeof scopes)[number];

/** The namespace of tokens made without one, and of every token made before namespaces existed. */
export const DEFAULT_NAMESPACE = "default";

/** Who is calling, once their token checked out. */
export interface Caller {
  tokenId: string;
  /** The tenant the token belongs to: records are stored and found only within it. */
  namespace: string;
  scopes: readonly Scope[];
  /** Absent: every key of the catalog. */
  keyNames?: readonly string[];
}

/** Services call this once they know which key a request touches. */
export function assertKeyAllowed(caller: Caller, keyName: string): void {
  if (caller.keyNames && !caller.keyNames.includes(keyName)) {
    throw new CofferError(
      "forbidden",
      `This token may not use the key "${keyName}". Ask an administrator for a token that allows it.`,
      {
        reason: "key_not_allowed",
      },
    );
  }
}
