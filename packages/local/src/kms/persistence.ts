// The state file for `npm run local` (spec §5). It holds raw key material, so it is written with mode
// 0600 and lives in the git-ignored .coffer/ folder. Writes are atomic: a temp file is written and
// fsynced, then renamed over the old one, so a crash mid-write leaves the previous state whole.
// Losing the file loses every ciphertext made against it, exactly like losing a real KMS key.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { KeyStoreState } from "./key-store";
import type { KmsKey } from "./model";

export const FORMAT_VERSION = 1;

/** The JSON document on disk. Binary values are base64, times epoch milliseconds. */
export interface KmsSnapshot {
  formatVersion: typeof FORMAT_VERSION;
  region: string;
  accountId: string;
  keys: SnapshotKey[];
  aliases: KeyStoreState["aliases"];
  deletedKeyIds?: string[];
}

type SnapshotKey = Omit<KmsKey, "material"> & {
  material:
    | { kind: "symmetric"; versions: Array<Omit<SymmetricVersion, "aesKey"> & { aesKeyB64: string }> }
    | { kind: "rsa"; privateKeyPkcs8Pem: string; publicKeySpkiDerB64: string };
};
type SymmetricVersion = Extract<KmsKey["material"], { kind: "symmetric" }>["versions"][number];

export function toSnapshot(state: KeyStoreState, region: string, accountId: string): KmsSnapshot {
  const keys = state.keys.map(({ material, ...key }): SnapshotKey => ({
    ...structuredClone(key),
    material:
      material.kind === "symmetric"
        ? {
            kind: "symmetric",
            versions: material.versions.map(({ aesKey, ...version }) => ({
              ...version,
              aesKeyB64: aesKey.toString("base64"),
            })),
          }
        : {
            kind: "rsa",
            privateKeyPkcs8Pem: material.privateKeyPem,
            publicKeySpkiDerB64: material.publicKeyDer.toString("base64"),
          },
  }));
  return {
    formatVersion: FORMAT_VERSION,
    region,
    accountId,
    keys,
    aliases: structuredClone(state.aliases),
    deletedKeyIds: [...state.deletedKeyIds],
  };
}

export function fromSnapshot(snapshot: KmsSnapshot): KeyStoreState {
  const keys = snapshot.keys.map(({ material, ...key }): KmsKey => ({
    ...structuredClone(key),
    material:
      material.kind === "symmetric"
        ? {
            kind: "symmetric",
            versions: material.versions.map(({ aesKeyB64, ...version }) => ({
              ...version,
              aesKey: Buffer.from(aesKeyB64, "base64"),
            })),
          }
        : {
            kind: "rsa",
            privateKeyPem: material.privateKeyPkcs8Pem,
            publicKeyDer: Buffer.from(material.publicKeySpkiDerB64, "base64"),
          },
  }));
  return {
    keys,
    aliases: structuredClone(snapshot.aliases),
    deletedKeyIds: [...(snapshot.deletedKeyIds ?? [])],
  };
}

/** The saved state, or undefined when there is no file yet. A file we cannot read stops the start. */
export function readStateFile(
  path: string,
  expected: { region: string; accountId: string },
): KeyStoreState | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let snapshot: Partial<KmsSnapshot>;
  try {
    snapshot = JSON.parse(text) as Partial<KmsSnapshot>;
  } catch {
    throw new Error(
      `The KMS state file ${path} is not valid JSON. Restore it from a backup, or move it away to start empty.`,
    );
  }
  if (
    snapshot.formatVersion !== FORMAT_VERSION ||
    !Array.isArray(snapshot.keys) ||
    !Array.isArray(snapshot.aliases)
  )
    throw new Error(
      `The KMS state file ${path} has an unknown format (formatVersion ${snapshot.formatVersion}).`,
    );
  // ARNs are rebuilt from region and account: loading under others would rename every key.
  if (snapshot.region !== expected.region || snapshot.accountId !== expected.accountId)
    throw new Error(
      `The KMS state file ${path} belongs to region ${snapshot.region}, account ${snapshot.accountId}; ` +
        `start the emulator with those, or use another file.`,
    );
  try {
    return fromSnapshot(snapshot as KmsSnapshot);
  } catch (error) {
    throw new Error(`The KMS state file ${path} has a damaged key or alias: ${(error as Error).message}`);
  }
}

export function writeSnapshotFile(path: string, snapshot: KmsSnapshot): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp`;
  const file = openSync(temporary, "w", 0o600);
  try {
    writeSync(file, JSON.stringify(snapshot));
    fsyncSync(file);
  } finally {
    closeSync(file);
  }
  renameSync(temporary, path);
  syncFolder(dirname(path));
}

// Makes the rename itself durable. Some platforms cannot open a folder for fsync; there the rename
// is still atomic, only its durability across a power cut is weaker.
function syncFolder(folder: string): void {
  let handle: number | undefined;
  try {
    handle = openSync(folder, "r");
    fsyncSync(handle);
  } catch {
    // best effort, see above
  } finally {
    if (handle !== undefined) closeSync(handle);
  }
}
