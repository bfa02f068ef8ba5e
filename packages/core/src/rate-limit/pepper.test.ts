import { beforeEach, expect, test } from "vitest";
import { isCofferError } from "../errors";
import { tableClock } from "@coffer/testkit/dynamo";
import { useTableAndKms } from "@coffer/testkit/table-and-kms";
import { createStoredPepper } from "./pepper";

const parts = useTableAndKms();
beforeEach(() => {
  parts.kms.emulator.faults.clear();
  parts.kms.emulator.resetCounts();
});

const context = { purpose: "bin", pepper: "test" };
const sourceFor = (name: string) =>
  createStoredPepper({
    db: parts.table.db,
    kms: parts.kms.kms,
    clock: tableClock(),
    keyId: parts.kms.keys.bins.arn,
    name,
    context,
  });

test("instances racing to make the first pepper all end up with the one that was stored", async () => {
  const instances = Array.from({ length: 8 }, () => sourceFor("race"));
  const peppers = await Promise.all(instances.flatMap((pepper) => [pepper(), pepper()]));
  expect(peppers[0]).toHaveLength(32);
  expect(new Set(peppers.map((p) => p.toString("hex"))).size).toBe(1);
  const later = await sourceFor("race")();
  expect(later.equals(peppers[0]!)).toBe(true);
  // An instance asks KMS while it starts (at most twice, when it loses the race), then never again.
  parts.kms.emulator.resetCounts();
  await Promise.all(instances.map((pepper) => pepper()));
  expect(parts.kms.calls("GenerateDataKey") + parts.kms.calls("Decrypt")).toBe(0);
});

test("the table holds the pepper only as a KMS blob, which a bin context cannot open", async () => {
  const pepper = await sourceFor("stored")();
  const { data } = await parts.table.db.entities.pepper.scan.go();
  const dump = JSON.stringify(data);
  for (const encoding of ["hex", "base64", "base64url"] as const) {
    expect(dump).not.toContain(pepper.toString(encoding));
  }
  const stored = data.find((item) => item.name === "stored")!;
  const asBinProof = parts.kms.kms.decrypt({
    wrapped: Buffer.from(stored.wrapped, "base64url"),
    context: { purpose: "bin", binId: "stored" },
  });
  await expect(asBinProof).rejects.toSatisfy((error) => isCofferError(error));
});

test("a KMS outage is reported, not remembered: the next call succeeds", async () => {
  const pepper = sourceFor("outage");
  const rule = parts.kms.emulator.faults.add({ kind: "unavailable", mode: "status503" });
  const failed = await pepper().catch((error: unknown) => error);
  expect(isCofferError(failed, "unavailable")).toBe(true);
  expect((await parts.table.db.entities.pepper.get({ name: "outage" }).go()).data).toBeNull();
  parts.kms.emulator.faults.remove(rule);
  expect(await pepper()).toHaveLength(32);
});
