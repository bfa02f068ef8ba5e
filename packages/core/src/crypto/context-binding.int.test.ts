// Contexts are kept exactly (issue 13): whatever entries a caller sends are the entries the envelope
// is bound to, no more and no fewer. Property tests over arbitrary JSON contexts, through the same
// schema the API uses and the real KMS emulator.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { manualClock } from "../clock";
import { CofferError } from "../errors";
import { EncryptionContext } from "../schemas";
import { createEnvelopeCrypto, inspectEnvelope } from "./index";
import { startEmulatedKms, type EmulatedKms } from "@coffer/testkit/emulated-kms";

let kms: EmulatedKms;
beforeAll(async () => void (kms = await startEmulatedKms()));
afterAll(() => kms.close());

const crypto = () => createEnvelopeCrypto({ kms: kms.kms, clock: manualClock(0), keys: kms.ring });
const plaintext = Buffer.from("bound");

/** A context as the API receives it: JSON text parsed by JSON.parse, then the API's schema. */
const received = (entries: [string, string][]) =>
  EncryptionContext.parse(
    JSON.parse(`{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`),
  );

// String.prototype.isWellFormed is in Node 20, not in this TypeScript lib (as in context.ts).
const wellFormed = (text: string) => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

// Keys a JavaScript object treats specially, mixed in with arbitrary ones; "__proto__" is refused
// (see the last test), every other key is bound like any other.
const trickyKey = fc.constantFrom(
  "constructor",
  "toString",
  "hasOwnProperty",
  "prototype",
  "valueOf",
  "0",
  "length",
);
const key = fc
  .oneof(trickyKey, fc.string({ minLength: 1, maxLength: 12 }))
  .filter((k) => !/^(coffer:|aws:)/i.test(k) && k !== "__proto__" && k !== "purpose" && wellFormed(k));
const value = fc.string({ maxLength: 12 }).filter(wellFormed);
const entries = fc.uniqueArray(fc.tuple(key, value), { maxLength: 6, selector: ([k]) => k });

const reasonOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: unknown) => (error instanceof CofferError ? `${error.kind}/${error.reason}` : String(error)),
  );

describe("contexts are bound exactly", () => {
  test("the same entries decrypt, and no key is ever dropped", async () => {
    await fc.assert(
      fc.asyncProperty(entries, async (list) => {
        const context = received(list);
        const envelope = await crypto().encrypt({ keyName: "default", plaintext, context });
        expect(Object.keys(inspectEnvelope(envelope).context).sort()).toEqual(list.map(([k]) => k).sort());
        const reordered = received([...list].reverse());
        expect(await reasonOf(crypto().decrypt({ envelope, context: reordered }))).toBe("ok");
      }),
      { numRuns: 40 },
    );
  });

  test("an entry added, removed or changed does not decrypt", async () => {
    const edit = fc.oneof(
      fc.record({ kind: fc.constant("add" as const), entry: fc.tuple(key, value) }),
      fc.record({ kind: fc.constant("remove" as const), index: fc.nat() }),
      fc.record({
        kind: fc.constant("change" as const),
        index: fc.nat(),
        suffix: fc.string({ minLength: 1, maxLength: 3 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(entries, edit, async (list, change) => {
        let edited: [string, string][];
        if (change.kind === "add") {
          fc.pre(!list.some(([k]) => k === change.entry[0]));
          edited = [...list, change.entry];
        } else {
          fc.pre(list.length > 0);
          const at = change.index % list.length;
          edited =
            change.kind === "remove"
              ? list.filter((_, i) => i !== at)
              : list.map(([k, v], i) => [k, i === at ? v + change.suffix : v] as [string, string]);
        }
        fc.pre(edited.every(([, v]) => wellFormed(v)));
        const envelope = await crypto().encrypt({ keyName: "default", plaintext, context: received(list) });
        expect(await reasonOf(crypto().decrypt({ envelope, context: received(edited) }))).toBe(
          "invalid/context_mismatch",
        );
      }),
      { numRuns: 40 },
    );
  });

  test("a __proto__ key is refused with its name, never dropped (issue 13, finding 2)", () => {
    const result = EncryptionContext.safeParse(JSON.parse('{"__proto__":"evil","a":"1"}'));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('"__proto__"');
    expect(EncryptionContext.safeParse(JSON.parse('{"constructor":"c","a":"1"}')).success).toBe(true);
  });
});
