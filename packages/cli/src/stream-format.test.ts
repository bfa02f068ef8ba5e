import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { expect, test } from "vitest";
import { CliError } from "./exit-codes";
import {
  chunkPlaintext,
  chunksOf,
  exactReader,
  frameHeader,
  openChunk,
  readFrame,
  readStreamHeader,
  streamHeader,
} from "./stream-format";

const collect = async (input: Buffer, size: number, pieceBytes = 7) => {
  const pieces = [];
  for (let i = 0; i < input.length; i += pieceBytes) pieces.push(input.subarray(i, i + pieceBytes));
  const out = [];
  for await (const chunk of chunksOf(Readable.from(pieces), size)) out.push(chunk);
  return out;
};

test.each([0, 1, 15, 16, 17, 32, 33, 100])(
  "%i bytes cut into 16-byte chunks, only the last one final",
  async (length) => {
    const input = randomBytes(length);
    const chunks = await collect(input, 16);
    expect(Buffer.concat(chunks.map((c) => c.data)).equals(input)).toBe(true);
    expect(chunks.map((c) => c.final)).toEqual(chunks.map((_, i) => i === chunks.length - 1));
    expect(chunks.length).toBe(Math.max(1, Math.ceil(length / 16)));
    expect(chunks.every((c) => c.data.length === 16 || c.final)).toBe(true);
  },
);

test("a chunk opens only at its own place in its own stream", () => {
  const id = randomBytes(16);
  const plaintext = chunkPlaintext(id, 3, true, Buffer.from("data"));
  expect(openChunk(plaintext, id, 3)).toEqual({ data: Buffer.from("data"), final: true });
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return error instanceof CliError ? `${error.exitClass}:${error.reason}` : String(error);
    }
    return "opened";
  };
  expect(refusal(() => openChunk(plaintext, id, 2))).toBe("refused:stream_damaged");
  expect(refusal(() => openChunk(plaintext, randomBytes(16), 3))).toBe("refused:stream_damaged");
  expect(refusal(() => openChunk(plaintext.subarray(0, 10), id, 3))).toBe("refused:stream_damaged");
});

test("frames are read back whole; a cut frame or a foreign input is refused", async () => {
  const id = randomBytes(16);
  const envelope = randomBytes(40);
  const stream = Buffer.concat([streamHeader(id), frameHeader(envelope.length), envelope]);
  const reader = exactReader(Readable.from([stream.subarray(0, 5), stream.subarray(5)]));
  expect((await readStreamHeader(reader)).equals(id)).toBe(true);
  expect((await readFrame(reader))!.equals(envelope)).toBe(true);
  expect(await readFrame(reader)).toBeUndefined();

  const cut = exactReader(Readable.from([stream.subarray(0, stream.length - 1)]));
  await readStreamHeader(cut);
  await expect(readFrame(cut)).rejects.toMatchObject({ exitClass: "refused" });
  await expect(
    readStreamHeader(exactReader(Readable.from([Buffer.from("not a stream at all")]))),
  ).rejects.toMatchObject({
    exitClass: "usage",
    reason: "stream_unknown",
  });
});
