/** base64url, the wire encoding of every binary value in the API; text is taken as UTF-8. */
export const b64 = (value: Uint8Array | string): string => Buffer.from(value).toString("base64url");
