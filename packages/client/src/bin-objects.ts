// Large secrets' ciphertext goes to object storage and back through short-lived URLs that the API
// signs after its checks. Only ciphertext travels here, never a key or a proof. The web app and the
// CLI share this (fetch in browsers and in Node 20+).

/** An upload or download of a large secret's ciphertext that failed. */
export class TransferError extends Error {
  override readonly name = "TransferError";
}

export async function uploadCiphertext(url: string, ciphertext: Uint8Array): Promise<void> {
  // A Blob body rather than the bytes themselves: the same request on the wire, but a DevTools
  // protocol client watching the page (Playwright in the browser tests, an open DevTools) gets a
  // base64 copy of an in-memory body in its request event, which took a minute for 25 MiB on a
  // busy machine; a Blob is passed by reference.
  const response = await fetch(url, {
    method: "PUT",
    body: new Blob([ciphertext as Uint8Array<ArrayBuffer>]),
    headers: { "content-type": "application/octet-stream" },
    referrerPolicy: "no-referrer",
    credentials: "omit",
  }).catch(() => undefined);
  if (!response?.ok)
    throw new TransferError(
      "The file could not be uploaded. Check your connection and create the secret again.",
    );
}

export async function downloadCiphertext(url: string): Promise<Uint8Array> {
  const response = await fetch(url, { referrerPolicy: "no-referrer", credentials: "omit" }).catch(
    () => undefined,
  );
  if (!response?.ok)
    throw new TransferError(
      "The file could not be downloaded. Check your connection; if it keeps failing, ask the sender to share it again.",
    );
  return new Uint8Array(await response.arrayBuffer());
}
