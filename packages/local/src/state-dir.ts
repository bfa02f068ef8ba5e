// The local state folder holds raw KMS key material, the DynamoDB database and the first admin
// token: only its owner may read it. Modes are set on every start, not only when a file is made,
// so a folder made by an older version (0755) or a file copied in is tightened too (issue 13).
import { chmodSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

export function secureStateDir(stateDir: string): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  chmodSync(stateDir, 0o700);
  for (const entry of readdirSync(stateDir, { withFileTypes: true })) {
    if (entry.isFile()) chmodSync(join(stateDir, entry.name), 0o600);
    else if (entry.isDirectory()) chmodSync(join(stateDir, entry.name), 0o700);
  }
}

/** The admin token file, 0600 whether it was just written or found from an earlier start. */
export function secureFile(path: string): void {
  if (existsSync(path)) chmodSync(path, 0o600);
}
