// Local mode's API, in process: the encryption service's two local-mode procedures (the same code
// the api and decrypt functions run, on the bench's KMS emulator) behind a LocalKeyApi that carries
// values as the wire does (base64url, the procedures' zod schemas). What it leaves out is HTTP,
// which a local encrypt with a warm cache never reaches; it counts the calls that would go out.
import { systemClock } from "@coffer/core/clock";
import type { EnvelopeMode } from "@coffer/core/config";
import { createEnvelopeCrypto, type EnvelopeKeyRing, type LocalKeyApi } from "@coffer/core/crypto";
import {
  createEncryptionService,
  IssueEnvelopeKeyInput,
  OpenEnvelopeKeyInput,
} from "@coffer/core/encryption";
import type { Caller } from "@coffer/core/tokens";
import type { EmulatedKms } from "@coffer/testkit/emulated-kms";

/** The emulator's catalog ring with every key in `mode`. */
export function ringIn(ring: EnvelopeKeyRing, mode: EnvelopeMode): EnvelopeKeyRing {
  return {
    encryptionKey: async (name) => ({ ...(await ring.encryptionKey(name)), mode }),
    decryptionKey: async (name, version) => ({ ...(await ring.decryptionKey(name, version)), mode }),
  };
}

export function createInProcessLocalApi(emulated: EmulatedKms, mode: EnvelopeMode) {
  const keys = ringIn(emulated.ring, mode);
  const service = createEncryptionService({
    crypto: createEnvelopeCrypto({ kms: emulated.kms, clock: systemClock, keys }),
  });
  const caller: Caller = { tokenId: "bench", namespace: "default", scopes: ["encrypt", "decrypt"] };
  const calls = { issue: 0, open: 0 };
  const bytes = (value: string) => Buffer.from(value, "base64url");
  const api: LocalKeyApi = {
    async issue(request) {
      calls.issue++;
      const issued = await service.issueEnvelopeKey(IssueEnvelopeKeyInput.parse(request), caller);
      return { ...issued, dataKey: bytes(issued.dataKey), wrappedKey: bytes(issued.wrappedKey) };
    },
    async open(request) {
      calls.open++;
      const wrappedKey = Buffer.from(request.wrappedKey).toString("base64url");
      const opened = await service.openEnvelopeKey(
        OpenEnvelopeKeyInput.parse({ ...request, wrappedKey }),
        caller,
      );
      return { ...opened, dataKey: bytes(opened.dataKey) };
    },
  };
  return { api, calls };
}
