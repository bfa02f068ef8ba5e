// RSA key pairs for the test emulators. Every test file's KMS emulator makes the RSA seal key, and
// a fresh 3072-bit pair costs about half a second of CPU (up to two, and several seconds on a busy
// machine), in every file. The first pair of each size an emulator makes is therefore read from
// node_modules/.cache (owned by this checkout; test keys, which guard nothing) and made only once;
// any further RSA key of that emulator is fresh, so two RSA keys of one test still differ.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateRsaMaterial, type RsaKeySpec, type RsaMaterial } from "@coffer/local/kms";
import { repoRoot } from "./repo-root";

const folder = join(repoRoot, "node_modules", ".cache", "coffer-test-rsa");

async function storedPair(spec: RsaKeySpec): Promise<RsaMaterial> {
  const file = join(folder, `${spec}.json`);
  try {
    const saved = JSON.parse(readFileSync(file, "utf8")) as { privateKeyPem: string; publicKeyDer: string };
    return {
      kind: "rsa",
      privateKeyPem: saved.privateKeyPem,
      publicKeyDer: Buffer.from(saved.publicKeyDer, "base64"),
    };
  } catch {
    const material = await generateRsaMaterial(spec);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    // Written aside and renamed, so that a test file starting meanwhile never reads half a file.
    const partial = `${file}.${process.pid}`;
    const saved = {
      privateKeyPem: material.privateKeyPem,
      publicKeyDer: material.publicKeyDer.toString("base64"),
    };
    writeFileSync(partial, JSON.stringify(saved), { mode: 0o600 });
    renameSync(partial, file);
    return material;
  }
}

/** The `rsaMaterial` option of one test emulator: a stored pair first, fresh pairs after. */
export function testRsaPairs(): (spec: RsaKeySpec) => Promise<RsaMaterial> {
  const used = new Set<RsaKeySpec>();
  return (spec) => {
    if (used.has(spec)) return generateRsaMaterial(spec);
    used.add(spec);
    return storedPair(spec);
  };
}
