// Reading an envelope's header without any key: for tools, logs and the API's metadata answers.
import { decodeContext } from "./context";
import { FORMAT_VERSION, modeOf, parseEnvelope } from "./format";
import type { EnvelopeMode } from "../config";

/** What an envelope says about itself, without any key. Safe to show: nothing here is secret. */
export interface EnvelopeHeader {
  formatVersion: number;
  algorithmId: number;
  /** Which mode the algorithm id names (docs/envelope.md, "Two modes"). */
  mode: EnvelopeMode;
  keyName: string;
  keyVersion: number;
  context: Record<string, string>;
  payloadBytes: number;
  wrappedKeyBytes: number;
}

/** Parses only (no KMS, no decryption); throws the same errors as decrypt's parsing step. */
export function inspectEnvelope(envelope: Uint8Array): EnvelopeHeader {
  const parsed = parseEnvelope(envelope);
  return {
    formatVersion: FORMAT_VERSION,
    algorithmId: parsed.algorithmId,
    mode: modeOf(parsed.algorithmId),
    keyName: parsed.keyName,
    keyVersion: parsed.keyVersion,
    context: decodeContext(parsed.contextBytes),
    payloadBytes: parsed.payloadBytes,
    wrappedKeyBytes: parsed.wrappedKey.length,
  };
}
