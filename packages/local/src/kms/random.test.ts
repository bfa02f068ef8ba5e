// Seeded randomness: the same seed gives the same key ids, material and blobs.
import { EncryptCommand } from "@aws-sdk/client-kms";
import { expect, test } from "vitest";
import { createClient, createKey } from "./conformance/test-kit";
import { startKmsEmulator } from "./emulator";
import { createRandomSource } from "./random";

test("a seeded source repeats itself and makes version 4 UUIDs; an unseeded one does not repeat", () => {
  const [a, b] = [createRandomSource("seed"), createRandomSource("seed")];
  expect(a.bytes(40).equals(b.bytes(40))).toBe(true);
  expect(a.uuid()).toBe(b.uuid());
  expect(a.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(createRandomSource("other").bytes(16).equals(createRandomSource("seed").bytes(16))).toBe(false);
  expect(createRandomSource().bytes(16).equals(createRandomSource().bytes(16))).toBe(false);
  const fraction = a.fraction();
  expect(fraction).toBeGreaterThanOrEqual(0);
  expect(fraction).toBeLessThan(1);
});

test("two emulators with one seed make the same key and the same blob", async () => {
  const results = [];
  for (let run = 0; run < 2; run++) {
    const emulator = await startKmsEmulator({ seed: "pinned" });
    const client = createClient(emulator.url);
    const key = await createKey(client);
    const out = await client.send(
      new EncryptCommand({ KeyId: key.KeyId, Plaintext: new Uint8Array([1, 2, 3]) }),
    );
    results.push({ keyId: key.KeyId, blob: Buffer.from(out.CiphertextBlob!).toString("hex") });
    client.destroy();
    await emulator.close();
  }
  expect(results[1]).toEqual(results[0]);
});
