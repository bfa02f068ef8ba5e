// Local mode: the same envelopes, made and opened in the caller's process (@coffer/client), with
// data keys from the service instead of KMS. The service keeps the policy: it checks scopes,
// allowed keys and the key's lifecycle on every key it issues or opens, and says which version,
// mode and cache policy a key has. This file only adapts the service's two procedures to the key
// source port; the caches, caps, single-flight fills and the envelope are envelope-sealing.ts's.
import type { Clock } from "../clock";
import {
  defaultCachePolicy,
  findCatalogKey,
  limits,
  type DataKeyCachePolicy,
  type EnvelopeMode,
} from "../config";
import { CofferError, isCofferError } from "../errors";
import { encodeValidContext, type EncryptionContext } from "./context";
import type { EncryptionKeyRequest } from "./key-source";
import type { EnvelopeDataKey } from "./envelope-crypto";
import { createEnvelopeSealing, type DecryptResult } from "./envelope-sealing";
import { plaintextTooLarge } from "./errors";
import type { EnvelopeKey, EnvelopeKeyRing } from "./key-ring";
import type { GeneratedKey, KeySource } from "./key-source";

/** The service's two local-mode procedures, as the client calls them (binary values as bytes). */
export interface LocalKeyApi {
  /** crypto.issueEnvelopeKey: a fresh data key for the key's current version (scope encrypt). */
  issue(request: { keyName: string; context: EncryptionContext }): Promise<IssuedEnvelopeKey>;
  /** crypto.openEnvelopeKey: an envelope's data key, after the lifecycle checks (scope decrypt). */
  open(request: {
    keyName: string;
    keyVersion: number;
    mode: EnvelopeMode;
    wrappedKey: Uint8Array;
    context: EncryptionContext;
  }): Promise<EnvelopeDataKey>;
}

export type IssuedEnvelopeKey = EnvelopeDataKey & { wrappedKey: Buffer };

const MODE_CHANGED = "local_key_mode_changed";

// No KMS key id on this side; the caches only use it as part of their entry ids.
const SERVICE = "coffer";

export function createLocalEnvelopeCrypto({ api, clock }: { api: LocalKeyApi; clock: Clock }) {
  // What the service said about each key: its current version and mode (from issued keys) and its
  // cache policy (from any answer). Until it has said anything, a key is taken to be in KMS mode
  // (a data key per context, right in either mode) with the catalog's policy.
  const current = new Map<string, { version: number; mode: EnvelopeMode }>();
  const policies = new Map<string, DataKeyCachePolicy>();
  const policyOf = (name: string) => policies.get(name) ?? findCatalogKey(name)?.cache ?? defaultCachePolicy;
  const keyAt = (name: string, version: number, mode: EnvelopeMode): EnvelopeKey => ({
    name,
    kmsKeyId: SERVICE,
    version,
    cache: policyOf(name),
    mode,
  });
  const ring: EnvelopeKeyRing = {
    async encryptionKey(name) {
      const known = current.get(name);
      return keyAt(name, known?.version ?? 0, known?.mode ?? "kms");
    },
    // The lifecycle checks are the service's, made when it opens the key (LocalKeyApi.open).
    decryptionKey: async (name, version) => keyAt(name, version, "kms"),
  };

  // The first encrypt under a key name asks the service before the cache is consulted, so that the
  // cache entry is made in the right mode; the key that first answer carries is handed to the very
  // next fill, so a cold start costs one call, also for concurrent encrypts (they wait on it).
  const firstContacts = new Map<string, Promise<void>>();
  let handoff: { id: string; key: IssuedEnvelopeKey } | undefined;
  const handoffId = (name: string, mode: EnvelopeMode, contextBytes: Uint8Array) =>
    mode === "derived" ? `${name}:d` : `${name}:${Buffer.from(contextBytes).toString("latin1")}`;

  function learn(key: IssuedEnvelopeKey): void {
    current.set(key.keyName, { version: key.keyVersion, mode: key.mode });
    policies.set(key.keyName, key.cache);
  }

  function firstContact(keyName: string, context: EncryptionContext, contextBytes: Uint8Array) {
    let contact = firstContacts.get(keyName);
    if (!contact) {
      contact = api.issue({ keyName, context }).then((key) => {
        learn(key);
        discardHandoff();
        handoff = { id: handoffId(keyName, key.mode, contextBytes), key };
      });
      firstContacts.set(keyName, contact);
      // A failed first contact is not remembered: the next encrypt asks again.
      contact.catch(() => firstContacts.delete(keyName));
    }
    return contact;
  }

  function discardHandoff(): void {
    handoff?.key.dataKey.fill(0);
    handoff = undefined;
  }

  /** The handed-off key if it fits this fill; it is only good for the fill that follows it. */
  function takeHandoff({ key, contextBytes }: EncryptionKeyRequest): IssuedEnvelopeKey | undefined {
    const taken = handoff;
    handoff = undefined;
    if (taken && taken.id === handoffId(key.name, key.mode, contextBytes)) return taken.key;
    taken?.key.dataKey.fill(0);
    return undefined;
  }

  const source: KeySource = {
    async generate(request): Promise<GeneratedKey> {
      const { key, context } = request;
      const issued = takeHandoff(request) ?? (await api.issue({ keyName: key.name, context }));
      learn(issued);
      // A derived-mode entry serves every context; a key the service wrapped under this context
      // (the key went back to KMS mode) must not. Refuse the fill; encrypt retries in the new mode.
      if (key.mode === "derived" && issued.mode === "kms") {
        issued.dataKey.fill(0);
        throw new CofferError("unavailable", "The key's mode changed; retry.", { reason: MODE_CHANGED });
      }
      const { dataKey, wrappedKey, keyVersion, mode } = issued;
      return { plaintext: dataKey, wrapped: wrappedKey, keyVersion, mode };
    },
    async unwrap({ key, mode, keyVersion, context, wrappedKey }) {
      const opened = await api.open({ keyName: key.name, keyVersion, mode, wrappedKey, context });
      policies.set(key.name, opened.cache);
      return opened.dataKey;
    },
  };

  const sealing = createEnvelopeSealing({ clock, keys: ring, source });

  async function encrypt(input: {
    keyName: string;
    plaintext: Uint8Array;
    context: EncryptionContext;
  }): Promise<Buffer> {
    if (!current.has(input.keyName)) {
      // Refuse bad input before the first call, as the service would.
      if (input.plaintext.byteLength > limits.maxPlaintextBytes)
        throw plaintextTooLarge(limits.maxPlaintextBytes);
      await firstContact(input.keyName, input.context, encodeValidContext(input.context));
    }
    try {
      return await sealing.encrypt(input);
    } catch (error) {
      if (isCofferError(error) && error.reason === MODE_CHANGED) return sealing.encrypt(input);
      throw error;
    }
  }

  const decrypt = (input: { envelope: Uint8Array; context: EncryptionContext }): Promise<DecryptResult> =>
    sealing.decrypt(input);

  /** Zero-fills and forgets every cached key (the service's key state is not cached apart). */
  function clear(): void {
    sealing.clear();
    discardHandoff();
  }

  return { encrypt, decrypt, clear };
}

export type LocalEnvelopeCrypto = ReturnType<typeof createLocalEnvelopeCrypto>;
