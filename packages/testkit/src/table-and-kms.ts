import { afterAll, beforeAll } from "vitest";
import { startEmulatedKms, type EmulatedKms } from "./emulated-kms";
import { createTestTable, type TestTable } from "./dynamo";

export interface TableAndKms {
  table: TestTable;
  kms: EmulatedKms;
}

/** A fresh table and a KMS emulator for one test file: ready in its tests, stopped after them. */
export function useTableAndKms(): TableAndKms {
  const parts = {} as TableAndKms;
  beforeAll(async () => {
    parts.table = await createTestTable();
    parts.kms = await startEmulatedKms();
  });
  afterAll(async () => {
    await parts.kms?.close();
    await parts.table?.drop();
  });
  return parts;
}
