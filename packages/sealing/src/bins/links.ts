import { BASE64URL, fromBase64url, toBase64url } from "../bytes";
import { BIN_KEY_BYTES, type BinSecrets, BROWSER_SECRET_BYTES } from "./derive";

// The two links a bin has (docs/bins.md), built and read the same way by the web app and the CLI.
// The secrets ride in the fragment, which browsers never send to a server. base64url has no ".", so
// it separates the parts safely.
//   share:  /b/<binId>#<kmsKey>.<browserSecret>
//   manage: /b/<binId>/manage#<kmsKey>.<browserSecret>.<wrappedKey>

const shareFragment = (secrets: BinSecrets) =>
  `${toBase64url(secrets.kmsKey)}.${toBase64url(secrets.browserSecret)}`;

export const shareLink = (origin: string, binId: string, secrets: BinSecrets) =>
  `${origin}/b/${binId}#${shareFragment(secrets)}`;

export const manageLink = (origin: string, binId: string, secrets: BinSecrets, wrappedKey: string) =>
  `${origin}/b/${binId}/manage#${shareFragment(secrets)}.${wrappedKey}`;

function bytesOf(part: string | undefined, length: number): Uint8Array | undefined {
  try {
    const bytes = fromBase64url(part ?? "");
    return bytes.length === length ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/** The secrets from a share fragment, or undefined when the link was cut or mangled. */
export function parseShareFragment(fragment: string): BinSecrets | undefined {
  const [kmsPart, browserPart, ...rest] = fragment.split(".");
  const kmsKey = bytesOf(kmsPart, BIN_KEY_BYTES);
  const browserSecret = bytesOf(browserPart, BROWSER_SECRET_BYTES);
  return kmsKey && browserSecret && rest.length === 0 ? { kmsKey, browserSecret } : undefined;
}

export function parseManageFragment(
  fragment: string,
): { secrets: BinSecrets; wrappedKey: string } | undefined {
  const cut = fragment.lastIndexOf(".");
  const secrets = parseShareFragment(fragment.slice(0, Math.max(cut, 0)));
  const wrappedKey = fragment.slice(cut + 1);
  if (!secrets || cut < 0 || !wrappedKey || !BASE64URL.test(wrappedKey)) return undefined;
  return { secrets, wrappedKey };
}

/** A whole share link (as pasted into a terminal): the bin id and its secrets, or undefined. */
export function parseShareLink(link: string): { binId: string; secrets: BinSecrets } | undefined {
  const match = /\/b\/([A-Za-z0-9_-]+)#([^#]*)$/.exec(link.trim());
  const secrets = match ? parseShareFragment(match[2]!) : undefined;
  return match && secrets ? { binId: match[1]!, secrets } : undefined;
}
