import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";
import { unlessConditionFails } from "./guard";

// A secure bin (DESIGN §6, §7). It holds what the browser encrypted and two proofs' worth of
// checks: the manage commitment (derived from the bin's key) and the SHA-256 of the read proof.
// Never the key, the wrapped key, the read proof or any plaintext. `expiresAt` doubles as the TTL;
// every read checks it too, because TTL sweeps lag by up to 48 h.
export const binSchema = {
  model: { entity: "bin", service: "coffer", version: "2" },
  attributes: {
    binId: { type: "string", required: true, readOnly: true },
    version: { type: "number", required: true },
    kind: { type: ["text", "file"] as const, required: true },
    /** Binary, to keep base64's third off the 400 KB item limit. Absent when in object storage. */
    ciphertext: { type: "any" },
    /** Larger contents: the object's key (one per version) and its size. */
    objectKey: { type: "string" },
    objectBytes: { type: "number" },
    iv: { type: "any", required: true },
    /** Absent: no passphrase layer. */
    passphraseSalt: { type: "any" },
    manageCommitment: { type: "string", required: true, readOnly: true },
    /** SHA-256 of the link proof: "holds the whole share link". */
    linkProofHash: { type: "string", required: true },
    /** SHA-256 of the read proof: the link and the passphrase, if any. */
    readProofHash: { type: "string", required: true },
    /** Reveals with the right link but a wrong passphrase; the bin is destroyed at the limit. */
    wrongPassphrases: { type: "number", required: true, default: 0 },
    maxReads: { type: "number", required: true, readOnly: true },
    readsLeft: { type: "number", required: true },
    createdAt: { type: "number", required: true, readOnly: true },
    /**
     * Random per create call, nothing else: the SDK's retry of a create whose answer was lost finds
     * its own item by it, while a second create of the same bin (even byte for byte) is refused
     * (db/create-once.ts). Absent on bins created before it existed.
     */
    createId: { type: "string", readOnly: true },
    updatedAt: { type: "number", required: true },
    /** Epoch seconds. The manage link may bring it forward, never push it back. */
    expiresAt: { type: "number", required: true },
  },
  indexes: {
    // Bin ids are base64url, so case matters: ElectroDB lowercases keys unless told not to, which
    // would fold two ids into one item.
    byId: {
      pk: { field: "pk", composite: ["binId"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
  },
} as const;

export const createBinEntity = (config: EntityConfiguration) => new Entity(binSchema, config);
export type BinEntity = ReturnType<typeof createBinEntity>;
export type BinItem = EntityItem<BinEntity>;

// The bin's conditional writes. Each decision ("exactly one reader gets the last read", "no update
// is lost") is a single conditional write, never a read followed by a write.

type BinDb = { entities: { bin: BinEntity } };

/**
 * Takes one read, atomically: a decrement while more than one read is left, else a delete of the
 * last one that hands back the old item. Both require the bin to be live and the proof to match,
 * so a wrong proof changes nothing. Undefined: no read was taken (gone, expired or wrong proof);
 * otherwise the bin as it was read and the reads left after this one.
 */
export async function takeBinRead(
  db: BinDb,
  input: {
    binId: string;
    linkProofHash: string;
    readProofHash: string;
    nowSeconds: number;
    /** A spent large bin's marker lives until then (the download URL's lifetime). */
    spentUntil: number;
  },
): Promise<{ bin: BinItem; readsLeft: number } | undefined> {
  const { binId, linkProofHash, readProofHash, nowSeconds } = input;

  const decremented = await unlessConditionFails(
    db.entities.bin
      .patch({ binId })
      .subtract({ readsLeft: 1 })
      .where(
        (bin, op) =>
          `${op.gt(bin.readsLeft, 1)} AND ${op.gt(bin.expiresAt, nowSeconds)} AND ${op.eq(bin.linkProofHash, linkProofHash)} AND ${op.eq(bin.readProofHash, readProofHash)}`,
      )
      .go({ response: "all_new" }),
  );
  if (decremented)
    return { bin: decremented.data as BinItem, readsLeft: decremented.data.readsLeft as number };
  // Another reader may take the second-to-last read between these two writes; then this write is
  // the last read, which is still exactly one read per success. An inline bin goes with its last
  // read; a bin in object storage stays as a spent marker (readsLeft 0) until the reader's page has
  // downloaded the object and releases it, or the TTL removes it shortly after.
  const deleted = await unlessConditionFails(
    db.entities.bin
      .delete({ binId })
      .where(
        (bin, op) =>
          `${op.eq(bin.readsLeft, 1)} AND ${op.notExists(bin.objectKey)} AND ${op.gt(bin.expiresAt, nowSeconds)} AND ${op.eq(bin.linkProofHash, linkProofHash)} AND ${op.eq(bin.readProofHash, readProofHash)}`,
      )
      .go({ response: "all_old" }),
  );
  if (deleted?.data) return { bin: deleted.data, readsLeft: 0 };
  const spent = await unlessConditionFails(
    db.entities.bin
      .patch({ binId })
      .set({ readsLeft: 0, expiresAt: input.spentUntil })
      .where(
        (bin, op) =>
          `${op.eq(bin.readsLeft, 1)} AND ${op.exists(bin.objectKey)} AND ${op.gt(bin.expiresAt, nowSeconds)} AND ${op.eq(bin.linkProofHash, linkProofHash)} AND ${op.eq(bin.readProofHash, readProofHash)}`,
      )
      .go({ response: "all_old" }),
  );
  return spent?.data ? { bin: spent.data as BinItem, readsLeft: 0 } : undefined;
}

/** Deletes a spent bin (readsLeft 0) for a holder of its link; returns it, or undefined. */
export async function deleteSpentBin(
  db: BinDb,
  input: { binId: string; linkProofHash: string },
): Promise<BinItem | undefined> {
  const deleted = await unlessConditionFails(
    db.entities.bin
      .delete({ binId: input.binId })
      .where((bin, op) => `${op.eq(bin.readsLeft, 0)} AND ${op.eq(bin.linkProofHash, input.linkProofHash)}`)
      .go({ response: "all_old" }),
  );
  return deleted?.data ?? undefined;
}

export interface BinContent {
  kind: BinItem["kind"];
  /** Exactly one of ciphertext and (objectKey, objectBytes). */
  ciphertext: Uint8Array | undefined;
  objectKey: string | undefined;
  objectBytes: number | undefined;
  iv: Uint8Array;
  passphraseSalt: Uint8Array | undefined;
  linkProofHash: string;
  readProofHash: string;
}

/** Replaces the content if the bin is still at `expectedVersion` and live; false otherwise. */
export async function replaceBinContent(
  db: BinDb,
  input: {
    binId: string;
    expectedVersion: number;
    manageCommitment: string;
    nowSeconds: number;
    content: BinContent;
  },
): Promise<boolean> {
  const { binId, expectedVersion, manageCommitment, nowSeconds, content } = input;
  const { passphraseSalt, ciphertext, objectKey, objectBytes, ...always } = content;
  let update = db.entities.bin
    .patch({ binId })
    .set({ ...always, version: expectedVersion + 1, updatedAt: nowSeconds });
  update = passphraseSalt ? update.set({ passphraseSalt }) : update.remove(["passphraseSalt"]);
  update =
    objectKey !== undefined
      ? update.set({ objectKey, objectBytes: objectBytes! }).remove(["ciphertext"])
      : update.set({ ciphertext: ciphertext! }).remove(["objectKey", "objectBytes"]);
  const written = await unlessConditionFails(
    update
      .where(
        (bin, op) =>
          `${op.eq(bin.version, expectedVersion)} AND ${op.eq(bin.manageCommitment, manageCommitment)} AND ${op.gt(bin.expiresAt, nowSeconds)}`,
      )
      .go({ response: "none" }),
  );
  return written !== undefined;
}

/** Deletes the bin if its manage commitment is still this one; the deleted bin, or undefined if already gone. */
export async function deleteBinIfOwned(
  db: BinDb,
  input: { binId: string; manageCommitment: string },
): Promise<BinItem | undefined> {
  const deleted = await unlessConditionFails(
    db.entities.bin
      .delete({ binId: input.binId })
      .where((bin, op) => op.eq(bin.manageCommitment, input.manageCommitment))
      .go({ response: "all_old" }),
  );
  return deleted?.data ?? undefined;
}

/**
 * Counts one wrong passphrase, atomically: only for a live bin with a passphrase, only from a
 * caller who proved the whole link, and only if the read proof really differs (a right one that
 * lost a race is not a guess). Returns the count after this one, or undefined if nothing was counted.
 */
export async function countWrongPassphrase(
  db: BinDb,
  input: { binId: string; linkProofHash: string; readProofHash: string; nowSeconds: number },
): Promise<number | undefined> {
  const { binId, linkProofHash, readProofHash, nowSeconds } = input;
  const counted = await unlessConditionFails(
    db.entities.bin
      .patch({ binId })
      .add({ wrongPassphrases: 1 })
      .where(
        (bin, op) =>
          `${op.exists(bin.passphraseSalt)} AND ${op.gt(bin.expiresAt, nowSeconds)} AND ${op.eq(bin.linkProofHash, linkProofHash)} AND ${op.ne(bin.readProofHash, readProofHash)}`,
      )
      .go({ response: "all_new" }),
  );
  return counted ? (counted.data.wrongPassphrases as number) : undefined;
}

/** Deletes the bin once its wrong passphrases reach `limit`; true if this call deleted it. */
export async function destroyBinAfterWrongPassphrases(
  db: BinDb,
  input: { binId: string; limit: number },
): Promise<boolean> {
  const deleted = await unlessConditionFails(
    db.entities.bin
      .delete({ binId: input.binId })
      .where((bin, op) => op.gte(bin.wrongPassphrases, input.limit))
      .go({ response: "all_old" }),
  );
  return !!deleted?.data;
}

/** Moves the expiry to `expiresAt` if that is earlier than now's, later than now, and the owner's. */
export async function shortenBinExpiry(
  db: BinDb,
  input: { binId: string; manageCommitment: string; expiresAt: number; nowSeconds: number },
): Promise<boolean> {
  const written = await unlessConditionFails(
    db.entities.bin
      .patch({ binId: input.binId })
      .set({ expiresAt: input.expiresAt, updatedAt: input.nowSeconds })
      .where(
        (bin, op) =>
          `${op.eq(bin.manageCommitment, input.manageCommitment)} AND ${op.gt(bin.expiresAt, input.expiresAt)} AND ${op.gt(bin.expiresAt, input.nowSeconds)}`,
      )
      .go({ response: "none" }),
  );
  return written !== undefined;
}
