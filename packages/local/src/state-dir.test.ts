import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { secureStateDir } from "./state-dir";

test("the state folder is 0700 and its files 0600 on every start, whatever they were", () => {
  const root = mkdtempSync(join(tmpdir(), "coffer-state-"));
  try {
    const state = join(root, ".coffer");
    mkdirSync(join(state, "ddb"), { recursive: true, mode: 0o755 });
    writeFileSync(join(state, "admin-token"), "coffer_x\n", { mode: 0o644 });
    writeFileSync(join(state, "kms-state.json"), "{}", { mode: 0o644 });
    secureStateDir(state);
    const mode = (path: string) => statSync(path).mode & 0o777;
    expect(mode(state)).toBe(0o700);
    expect(mode(join(state, "ddb"))).toBe(0o700);
    expect(mode(join(state, "admin-token"))).toBe(0o600);
    expect(mode(join(state, "kms-state.json"))).toBe(0o600);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
