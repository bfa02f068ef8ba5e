import { BIN_KEY_BYTES, fromBase64url } from "@coffer/sealing/bins";
import { BASE64URL } from "@coffer/sealing/bytes";

// The two links a bin has. The key rides in the fragment, which browsers never send to a server.
//   share:  /b/<binId>#<key>
//   manage: /b/<binId>/manage#<key>.<wrappedKey>   (base64url has no ".", so it separates safely)

export const shareLink = (origin: string, binId: string, key: string) => `${origin}/b/${binId}#${key}`;

export const manageLink = (origin: string, binId: string, key: string, wrappedKey: string) =>
  `${origin}/b/${binId}/manage#${key}.${wrappedKey}`;

/** The key from a share fragment, or undefined when the link was cut or mangled. */
export function parseShareFragment(fragment: string): Uint8Array | undefined {
  try {
    const key = fromBase64url(fragment);
    return key.length === BIN_KEY_BYTES ? key : undefined;
  } catch {
    return undefined;
  }
}

export function parseManageFragment(fragment: string): { key: Uint8Array; wrappedKey: string } | undefined {
  const [keyPart = "", wrappedKey = "", ...rest] = fragment.split(".");
  const key = parseShareFragment(keyPart);
  if (!key || !wrappedKey || rest.length > 0 || !BASE64URL.test(wrappedKey)) return undefined;
  return { key, wrappedKey };
}
