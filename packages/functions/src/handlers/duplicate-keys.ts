// JSON.parse keeps the last of two equal keys in one object, so `{"context":{"a":"1","a":"2"}}`
// would be read as `{a: "2"}` while a proxy, a log or a signature over the text saw both. Only the
// raw text shows the repeat, so the HTTP adapter looks for it there, after JSON.parse accepted it.

/**
 * Whether some object in `json` (already known to be valid JSON) names one key twice. Keys are
 * compared after unescaping, so "a" and "\u0061" are the same key. Strings are skipped with
 * indexOf, so a body of long base64url values costs little more than one pass of native search.
 */
export function hasDuplicateKey(json: string): boolean {
  const objects: (Set<string> | undefined)[] = []; // undefined marks an array
  let expectingKey = false;
  for (let at = 0; at < json.length; at++) {
    const char = json.charCodeAt(at);
    if (char === 0x22 /* " */) {
      const end = endOfString(json, at);
      const keys = objects[objects.length - 1];
      if (keys && expectingKey) {
        const raw = json.slice(at, end + 1);
        const key = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (keys.has(key)) return true;
        keys.add(key);
        expectingKey = false;
      }
      at = end;
    } else if (char === 0x7b /* { */) {
      objects.push(new Set());
      expectingKey = true;
    } else if (char === 0x5b /* [ */) {
      objects.push(undefined);
      expectingKey = false;
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      objects.pop();
      expectingKey = false;
    } else if (char === 0x2c /* , */) {
      expectingKey = objects[objects.length - 1] !== undefined;
    }
  }
  return false;
}

/** The index of the quote that closes the string opening at `start` (one not escaped). */
function endOfString(json: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = json.indexOf('"', from);
    if (quote < 0) return json.length;
    let backslashes = 0;
    while (json.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}
