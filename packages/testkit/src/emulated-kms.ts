// A real KMS emulator on a random port, the catalog's keys in it, and Coffer's own KMS adapter
// pointed at it.
import type { KMSClient } from "@aws-sdk/client-kms";
import {
  provisionCatalogKeys,
  startKmsEmulator,
  type KmsEmulator,
  type ProvisionedCatalog,
} from "@coffer/local/kms";
import { createAwsKms, createKmsClient, type Kms } from "@coffer/core/kms";
import { createStaticKeyRing, type EnvelopeKeyRing } from "@coffer/core/crypto";
import { testTimeouts } from "./dynamo";
import { testRsaPairs } from "./rsa-pairs";

export interface EmulatedKms {
  emulator: KmsEmulator;
  client: KMSClient;
  kms: Kms;
  keys: ProvisionedCatalog["keys"];
  /** The RSA seal key (sealed input). */
  seal: ProvisionedCatalog["seal"];
  /** The catalog's keys by name (alias), all at version 1. */
  ring: EnvelopeKeyRing;
  /** Calls of one operation since start or resetCounts(), as the emulator counted them. */
  calls(operation: "GenerateDataKey" | "Decrypt" | "ReEncrypt"): number;
  close(): Promise<void>;
}

export async function startEmulatedKms(options: { maxAttempts?: number } = {}): Promise<EmulatedKms> {
  // The SDK signs every request, so it needs some credentials; the emulator checks only their shape.
  process.env.AWS_ACCESS_KEY_ID ??= "local";
  process.env.AWS_SECRET_ACCESS_KEY ??= "local";
  const emulator = await startKmsEmulator({ port: 0, rsaMaterial: testRsaPairs() });
  const client = createKmsClient({
    endpoint: emulator.url,
    region: "us-east-1",
    timeouts: testTimeouts({ maxAttempts: options.maxAttempts ?? 1 }),
  });
  const { keys, seal } = await provisionCatalogKeys({ client, stage: "test" });
  emulator.resetCounts();
  return {
    emulator,
    client,
    kms: createAwsKms(client),
    keys,
    seal,
    ring: createStaticKeyRing({ default: keys.default.alias, bins: keys.bins.alias }),
    calls: (operation) => emulator.requestCounts()[operation] ?? 0,
    async close() {
      client.destroy();
      await emulator.close();
    },
  };
}
