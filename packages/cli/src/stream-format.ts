import { CliError } from "./exit-codes";

// The framing of `coffer encrypt` output (docs/cli.md). One encrypt call takes at most 4 MiB, and a
// pipe has no size, so the input is cut into 1 MiB chunks, each encrypted by the service as its own
// envelope under the caller's key and context:
//
//   stream  = magic "CFS1" | stream id (16 random bytes) | frame*
//   frame   = envelope length (u32, big-endian) | envelope (docs/envelope.md)
//   chunk   = stream id (16) | chunk index (u32, big-endian) | final flag (1 byte: 1 on the last) | data
//
// The chunk header lives inside the plaintext, so the envelope authenticates it: frames cannot be
// reordered, dropped, repeated or moved to another stream, and a stream cut after any frame lacks
// its final flag and is refused. The caller's context stays exactly as given, so the service's
// data-key cache serves every chunk (one KMS call per stream, not per chunk).

export const STREAM_MAGIC = Buffer.from("CFS1", "latin1");
export const STREAM_ID_BYTES = 16;
export const CHUNK_BYTES = 1024 * 1024;
const CHUNK_HEADER_BYTES = STREAM_ID_BYTES + 4 + 1;
/** Far above a 1 MiB chunk's envelope, far below memory trouble: a corrupt length stops here. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024 + 64 * 1024;

const damaged = (why: string) =>
  new CliError(
    "refused",
    `The encrypted input is damaged or truncated (${why}); nothing more was written.`,
    "stream_damaged",
  );

export const streamHeader = (streamId: Uint8Array) => Buffer.concat([STREAM_MAGIC, streamId]);

export function chunkPlaintext(
  streamId: Uint8Array,
  index: number,
  final: boolean,
  data: Uint8Array,
): Buffer {
  const header = Buffer.alloc(CHUNK_HEADER_BYTES);
  header.set(streamId, 0);
  header.writeUInt32BE(index, STREAM_ID_BYTES);
  header[STREAM_ID_BYTES + 4] = final ? 1 : 0;
  return Buffer.concat([header, data]);
}

export function frameHeader(envelopeBytes: number): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(envelopeBytes);
  return header;
}

/** The data of a decrypted chunk, after checking that it is the one expected at this place. */
export function openChunk(
  plaintext: Buffer,
  streamId: Buffer,
  index: number,
): { data: Buffer; final: boolean } {
  if (plaintext.length < CHUNK_HEADER_BYTES) throw damaged("a chunk is too short");
  if (!plaintext.subarray(0, STREAM_ID_BYTES).equals(streamId)) throw damaged("a chunk of another stream");
  if (plaintext.readUInt32BE(STREAM_ID_BYTES) !== index) throw damaged(`chunk ${index} is out of place`);
  const flag = plaintext[STREAM_ID_BYTES + 4];
  if (flag !== 0 && flag !== 1) throw damaged("a chunk has an unknown flag");
  return { data: plaintext.subarray(CHUNK_HEADER_BYTES), final: flag === 1 };
}

/** Cuts a byte stream into chunks of `size` (the last may be shorter), marking the last one. */
export async function* chunksOf(
  source: AsyncIterable<Uint8Array>,
  size: number,
): AsyncGenerator<{ data: Buffer; final: boolean }> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let ready: Buffer | undefined;
  for await (const piece of source) {
    pending.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
    pendingBytes += piece.byteLength;
    while (pendingBytes >= size) {
      const all = Buffer.concat(pending);
      if (ready) yield { data: ready, final: false };
      ready = all.subarray(0, size);
      pending = [all.subarray(size)];
      pendingBytes -= size;
    }
  }
  const rest = Buffer.concat(pending);
  if (ready && rest.length === 0) {
    yield { data: ready, final: true };
    return;
  }
  if (ready) yield { data: ready, final: false };
  // An empty input still gets one (empty, final) chunk: the reader must see where the stream ends.
  yield { data: rest, final: true };
}

/** Reads exact byte counts from a stream: a frame reader without buffering everything. */
export function exactReader(source: AsyncIterable<Uint8Array>) {
  const iterator = source[Symbol.asyncIterator]();
  let buffered = Buffer.alloc(0);
  let ended = false;
  /** `bytes` bytes, or undefined at a clean end (nothing left); a partial read is damage. */
  async function read(bytes: number): Promise<Buffer | undefined> {
    while (buffered.length < bytes && !ended) {
      const next = await iterator.next();
      if (next.done) ended = true;
      else buffered = Buffer.concat([buffered, next.value]);
    }
    if (buffered.length === 0 && ended) return undefined;
    if (buffered.length < bytes) throw damaged("it ends in the middle of a frame");
    const out = buffered.subarray(0, bytes);
    buffered = buffered.subarray(bytes);
    return out;
  }
  return { read };
}

/** The stream id after checking the magic. */
export async function readStreamHeader(reader: ReturnType<typeof exactReader>): Promise<Buffer> {
  const header = await reader.read(STREAM_MAGIC.length + STREAM_ID_BYTES).catch(() => undefined);
  if (!header || !header.subarray(0, STREAM_MAGIC.length).equals(STREAM_MAGIC))
    throw new CliError(
      "usage",
      "This input is not the output of `coffer encrypt` (it does not start with CFS1).",
      "stream_unknown",
    );
  return Buffer.from(header.subarray(STREAM_MAGIC.length));
}

/** The next frame's envelope, or undefined at the end of the input. */
export async function readFrame(reader: ReturnType<typeof exactReader>): Promise<Buffer | undefined> {
  const length = await reader.read(4);
  if (!length) return undefined;
  const bytes = length.readUInt32BE();
  if (bytes === 0 || bytes > MAX_FRAME_BYTES) throw damaged("a frame has an impossible length");
  return reader.read(bytes).then((envelope) => {
    if (!envelope) throw damaged("it ends after a frame length");
    return envelope;
  });
}
