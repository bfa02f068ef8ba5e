import { SealingError } from "../errors";
import { concatBytes, utf8 } from "../bytes";

// What is encrypted: a small JSON header, then the body. A file's name and type live in the header,
// so the server sees neither. Layout: [format 0x01][header length, u32 big-endian][header][body].

export type BinPayload =
  { kind: "text"; text: string } | { kind: "file"; name: string; type: string; bytes: Uint8Array };

const FORMAT = 1;
const PREFIX_BYTES = 5;

export function encodeBinPayload(payload: BinPayload): Uint8Array<ArrayBuffer> {
  const header = utf8(
    JSON.stringify(
      payload.kind === "text" ? { kind: "text" } : { kind: "file", name: payload.name, type: payload.type },
    ),
  );
  const body = payload.kind === "text" ? utf8(payload.text) : payload.bytes;
  const prefix = new Uint8Array(PREFIX_BYTES);
  prefix[0] = FORMAT;
  new DataView(prefix.buffer).setUint32(1, header.length);
  return concatBytes(prefix, header, body);
}

export function decodeBinPayload(bytes: Uint8Array): BinPayload {
  const unreadable = () =>
    new SealingError(
      "bin_payload_unknown",
      "The content is in a format this page does not know. Try a newer version of Coffer.",
    );
  if (bytes.length < PREFIX_BYTES || bytes[0] !== FORMAT) throw unreadable();
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1);
  if (PREFIX_BYTES + headerLength > bytes.length) throw unreadable();
  let header: { kind?: unknown; name?: unknown; type?: unknown };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength)));
  } catch {
    throw unreadable();
  }
  const body = bytes.slice(PREFIX_BYTES + headerLength);
  if (header.kind === "text") return { kind: "text", text: new TextDecoder().decode(body) };
  if (header.kind === "file" && typeof header.name === "string" && typeof header.type === "string") {
    return { kind: "file", name: header.name, type: header.type, bytes: body };
  }
  throw unreadable();
}
