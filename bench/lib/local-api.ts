// Local mode's API, in process, on the bench's KMS emulator (testkit's inProcessLocalKeyApi: the
// service's two local-mode procedures as the wire carries them, without HTTP, which a local encrypt
// with a warm cache never reaches; it counts the calls that would go out).
import { systemClock } from "@coffer/core/clock";
import type { EnvelopeMode } from "@coffer/core/config";
import { createEnvelopeCrypto, type EnvelopeKeyRing } from "@coffer/core/crypto";
import { createEncryptionService } from "@coffer/core/encryption";
import type { Caller } from "@coffer/core/tokens";
import type { EmulatedKms } from "@coffer/testkit/emulated-kms";
import { inProcessLocalKeyApi } from "@coffer/testkit/local-key-api";

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
  return inProcessLocalKeyApi(service, caller);
}
