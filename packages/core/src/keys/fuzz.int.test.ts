// The Vault transit pattern: workers run random encrypt, decrypt, rewrap, rotate, min-version,
// disable and enable concurrently on real local parts (DynamoDB Local, the KMS emulator), each
// worker its own "instance" with its own key ring and caches. Zero wrong plaintexts, and every
// refusal is one of the documented ones. COFFER_FUZZ_WORKERS and COFFER_FUZZ_SECONDS size it.
import { randomBytes, randomInt } from "node:crypto";
import { expect, test } from "vitest";
import { systemClock } from "../clock";
import { lifecycleInstance, testActor } from "@coffer/testkit/lifecycle";
import { useTableAndKms } from "@coffer/testkit/table-and-kms";
import { isCofferError } from "../errors";

const parts = useTableAndKms();
const WORKERS = Number(process.env.COFFER_FUZZ_WORKERS ?? 8);
const SECONDS = Number(process.env.COFFER_FUZZ_SECONDS ?? 10);
const KEYS = ["default", "pii"] as const;

/** The refusals a caller may meet while keys change under it (README, "Key lifecycle"). */
const DOCUMENTED = new Set([
  "key_unusable:key_disabled",
  "key_unusable:key_version_retired",
  "key_unusable:kms_rotation_limit",
  "conflict:rotation_conflict",
  "conflict:key_changed",
  "unavailable:audit_write_failed",
]);

interface Sealed {
  envelope: Buffer;
  plaintext: Buffer;
  context: Record<string, string>;
}

test(
  `${WORKERS} workers × ${SECONDS} s of random lifecycle operations: 0 wrong plaintexts`,
  { timeout: (SECONDS + 120) * 1000 },
  async () => {
    const sealed: Sealed[] = [];
    const counts: Record<string, number> = {};
    const undocumented: string[] = [];
    let wrongPlaintexts = 0;
    const deadline = Date.now() + SECONDS * 1000;
    const count = (what: string) => void (counts[what] = (counts[what] ?? 0) + 1);

    async function worker(id: number) {
      // Short staleness so that workers see each other's changes often, and sometimes late.
      const instance = lifecycleInstance({
        db: parts.table.db,
        kms: parts.kms,
        clock: systemClock,
        stalenessMs: 50,
      });
      const actor = { ...testActor, requestId: `fuzz-${id}` };
      while (Date.now() < deadline) {
        const keyName = KEYS[randomInt(KEYS.length)]!;
        const roll = randomInt(100);
        let op = "";
        try {
          if (roll < 35) {
            op = "encrypt";
            const plaintext = randomBytes(randomInt(1, 200));
            const context = { worker: String(id), n: String(randomInt(4)) };
            const envelope = await instance.crypto.encrypt({ keyName, plaintext, context });
            sealed.push({ envelope, plaintext, context });
          } else if (roll < 75 && sealed.length > 0) {
            op = "decrypt";
            const item = sealed[randomInt(sealed.length)]!;
            const { plaintext } = await instance.crypto.decrypt({
              envelope: item.envelope,
              context: item.context,
            });
            if (!plaintext.equals(item.plaintext)) wrongPlaintexts += 1;
          } else if (roll < 85 && sealed.length > 0) {
            op = "rewrap";
            const at = randomInt(sealed.length);
            const item = sealed[at]!;
            const { envelope } = await instance.crypto.rewrap({ envelope: item.envelope });
            sealed.push({ ...item, envelope });
          } else if (roll < 88) {
            op = "rotate";
            await instance.lifecycle.rotate({ keyName }, actor);
          } else if (roll < 90) {
            op = "rotate-automatic";
            parts.kms.emulator.rotate(parts.kms.keys[keyName].keyId);
            await instance.lifecycle.syncRotations(keyName, actor.requestId);
          } else if (roll < 95) {
            op = "min-version";
            const key = await instance.lifecycle.ensure(keyName);
            // Mostly low minimums, so that most envelopes stay readable and decrypts really run.
            const min = Math.max(1, key.currentVersion - randomInt(key.currentVersion + 2));
            await instance.lifecycle.setMinDecryptionVersion({ keyName, minDecryptionVersion: min }, actor);
          } else if (roll < 98) {
            op = "disable";
            await instance.lifecycle.disable({ keyName }, actor);
          } else {
            op = "enable";
            await instance.lifecycle.enable({ keyName }, actor);
          }
          if (op) count(`${op}:ok`);
        } catch (error) {
          const refusal = isCofferError(error) ? `${error.kind}:${error.reason}` : `thrown:${String(error)}`;
          count(`${op}:${refusal}`);
          if (!DOCUMENTED.has(refusal)) undocumented.push(`${op} → ${refusal}`);
        }
        // Keep the keys enabled most of the time, or nothing else gets exercised.
        if (randomInt(20) === 0) await instance.lifecycle.enable({ keyName }, actor).catch(() => undefined);
      }
    }

    await Promise.all(Array.from({ length: WORKERS }, (_, id) => worker(id)));
    console.log(JSON.stringify({ workers: WORKERS, seconds: SECONDS, wrongPlaintexts, counts }, null, 1));
    expect(wrongPlaintexts).toBe(0);
    expect(undocumented).toEqual([]);
    expect(counts["decrypt:ok"] ?? 0).toBeGreaterThan(0);
    expect(counts["rotate:ok"] ?? 0).toBeGreaterThan(0);
    // The chains stayed intact under all of it.
    const { createAuditService } = await import("../audit");
    for (const keyName of KEYS)
      expect(
        await createAuditService({ db: parts.table.db }).verify({ chain: `key:${keyName}` }),
      ).toMatchObject({ ok: true });
  },
);
