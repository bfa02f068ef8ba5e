import { createHash, randomBytes } from "node:crypto";
import { toBase64url } from "@coffer/sealing/bytes";
import { type Clock, toEpochSeconds } from "../clock";
import { binObjectKey, type BinObjects } from "../bin-objects";
import { limits } from "../config";
import {
  type BinItem,
  countWrongPassphrase,
  createOnce,
  type Db,
  deleteBinIfOwned,
  deleteSpentBin,
  destroyBinAfterWrongPassphrases,
  guard,
  replaceBinContent,
  shortenBinExpiry,
  takeBinRead,
} from "../db";
import { CofferError, isCofferError } from "../errors";
import { newId } from "../ids";
import type { Kms } from "../kms";
import { createRateLimiter, createStoredPepper, type RateLimitRule } from "../rate-limit";
import {
  binDestroyedByGuesses,
  binExpiryRefused,
  binGone,
  binKeyRefused,
  binReadRaced,
  binVersionStale,
  linkProofRefused,
  passphraseRefused,
} from "./refusals";
import {
  assertCommitmentsMatch,
  binContext,
  commitmentFromWrappedKey,
  rateLimitPepperContext,
  requireWrappedKey,
} from "./proof";
import {
  type CreateBinInput,
  type DeleteBinInput,
  type GetBinInput,
  type ReleaseBinInput,
  type RevealBinInput,
  type SetBinExpiryInput,
  type UpdateBinInput,
} from "./schemas";

export interface BinServiceDeps {
  db: Db;
  kms: Kms;
  clock: Clock;
  /** The catalog's `bins` key (ARN or alias). */
  keyId: string;
  rateLimits?: Record<keyof typeof limits.binRateLimits, RateLimitRule>;
  /** Storage for contents above the inline limit; without it, such bins are refused. */
  objects?: BinObjects | undefined;
  /**
   * Told of each burn (the last read taken, or the bin destroyed after too many wrong passphrases),
   * for the refusal and burn counters; ids only.
   */
  onBurned?: (burn: { reason: BinBurnReason; procedure: string; requestId: string | undefined }) => void;
}

export type BinBurnReason = "bin_burned" | "bin_passphrase_limit";

/** Where a request came from: the source IP, for the rate limit, and the request id, for the burn log. */
export interface RequestOrigin {
  sourceIp: string;
  requestId?: string;
}

export type BinMetadata =
  | { exists: false }
  | {
      exists: true;
      kind: BinItem["kind"];
      version: number;
      expiresAt: number;
      readsLeft: number;
      maxReads: number;
      needsPassphrase: boolean;
      passphraseSalt: string | null;
      /** Wrong passphrases left before the bin is destroyed; null without a passphrase. */
      passphraseTriesLeft: number | null;
    };

const hashProof = (proof: Uint8Array) => createHash("sha256").update(proof).digest("base64url");

export function createBinService({
  db,
  kms,
  clock,
  keyId,
  rateLimits = limits.binRateLimits,
  objects,
  onBurned,
}: BinServiceDeps) {
  const nowSeconds = () => toEpochSeconds(clock.now());
  const rateLimiter = createRateLimiter({
    db,
    clock,
    pepper: createStoredPepper({
      db,
      kms,
      clock,
      keyId,
      name: "bins/rate-limit",
      context: rateLimitPepperContext,
    }),
  });

  /** The bin if it exists and has not expired; the TTL sweep may lag by days, so this checks the time itself. */
  async function readLiveBin(binId: string): Promise<BinItem | undefined> {
    const { data } = await guard(db.entities.bin.get({ binId }).go({ consistent: true }));
    // A spent large bin waits (readsLeft 0) for its reader's download: gone for everyone else.
    return data && data.expiresAt > nowSeconds() && data.readsLeft > 0 ? data : undefined;
  }

  function requireObjects(): BinObjects {
    if (!objects)
      throw new CofferError("invalid", "Files this large cannot be shared here. Choose a smaller file.", {
        reason: "bin_objects_unavailable",
      });
    return objects;
  }

  /** Where this version's ciphertext goes: in the item, or in an object whose upload URL is returned. */
  async function placeContent(
    input: { binId: string; ciphertext?: Buffer | undefined; objectBytes?: number | undefined },
    version: number,
  ) {
    if (input.objectBytes === undefined) {
      const inline = { ciphertext: input.ciphertext!, objectKey: undefined, objectBytes: undefined };
      return { stored: inline, uploadUrl: undefined };
    }
    const objectKey = binObjectKey(input.binId, version);
    const uploadUrl = await requireObjects().presignUpload(objectKey, input.objectBytes);
    return { stored: { ciphertext: undefined, objectKey, objectBytes: input.objectBytes }, uploadUrl };
  }

  /** A new bin id and a data key that KMS binds to it; the key goes back to the browser only. */
  async function issueKey(origin: RequestOrigin) {
    await rateLimiter.consume("bins.issueKey", origin.sourceIp, rateLimits.issueKey);
    const binId = newId();
    const dataKey = await kms.generateDataKey({ keyId, context: binContext(binId), bits: 256 });
    try {
      return {
        binId,
        key: dataKey.plaintext.toString("base64url"),
        wrappedKey: dataKey.wrapped.toString("base64url"),
      };
    } finally {
      dataKey.plaintext.fill(0);
    }
  }

  /** The wrapped key must unwrap under this bin's context and give the commitment the browser sent. */
  async function provenCommitment(input: CreateBinInput): Promise<Buffer> {
    try {
      const commitment = await commitmentFromWrappedKey({
        kms,
        keyId,
        binId: input.binId,
        wrappedKey: requireWrappedKey(input.wrappedKey),
      });
      assertCommitmentsMatch(commitment, input.manageCommitment);
      return commitment;
    } catch (error) {
      // Only a refused proof is the caller's to fix; a KMS or IAM failure must surface as itself.
      if (isCofferError(error, "forbidden") && error.reason === "manage_proof_refused") throw binKeyRefused();
      throw error;
    }
  }

  async function create(input: CreateBinInput, origin: RequestOrigin) {
    await rateLimiter.consume("bins.create", origin.sourceIp, rateLimits.create);
    const { binId } = input;
    if (input.objectBytes !== undefined) requireObjects(); // cheap refusal before any KMS call
    const commitment = await provenCommitment(input);
    const { stored, uploadUrl } = await placeContent(input, 1);
    const now = nowSeconds();
    const item = {
      binId,
      version: 1,
      kind: input.kind,
      ...(stored.objectKey
        ? { objectKey: stored.objectKey, objectBytes: stored.objectBytes }
        : { ciphertext: stored.ciphertext }),
      iv: input.iv,
      ...(input.passphraseSalt ? { passphraseSalt: input.passphraseSalt } : {}),
      manageCommitment: toBase64url(commitment),
      linkProofHash: toBase64url(input.linkProofHash),
      readProofHash: toBase64url(input.readProofHash),
      wrongPassphrases: 0,
      maxReads: input.maxReads,
      readsLeft: input.maxReads,
      createdAt: now,
      createId: randomBytes(12).toString("base64url"),
      updatedAt: now,
      expiresAt: now + input.expiresInSeconds,
    };
    // The browser picks the bin's id, so a create for an id that is taken is refused, unless the
    // stored bin is this very call's write (its answer lost, the SDK's retry met it): `createId`.
    const created = await createOnce(db.entities.bin, item);
    if (!created)
      throw new CofferError("conflict", "This bin already exists. Create a new one from the create page.", {
        reason: "condition_failed",
      });
    return { binId, version: 1, expiresAt: item.expiresAt, readsLeft: item.readsLeft, uploadUrl };
  }

  /** Metadata only: never the ciphertext, never a read taken, and one answer for every kind of "gone". */
  async function get({ binId }: GetBinInput): Promise<BinMetadata> {
    const item = await readLiveBin(binId);
    if (!item) return { exists: false };
    const salt = item.passphraseSalt ? toBase64url(item.passphraseSalt as Uint8Array) : null;
    return {
      exists: true,
      kind: item.kind,
      version: item.version,
      expiresAt: item.expiresAt,
      readsLeft: item.readsLeft,
      maxReads: item.maxReads,
      needsPassphrase: salt !== null,
      passphraseSalt: salt,
      passphraseTriesLeft: salt === null ? null : triesLeft(item.wrongPassphrases),
    };
  }

  const triesLeft = (wrong: number) => Math.max(0, limits.maxBinWrongPassphrases - wrong);

  /**
   * Takes one read (atomically: of N concurrent readers of a last read, exactly one wins) and
   * returns the content. Every call counts against the caller's IP first: each is a guess.
   */
  async function reveal({ binId, linkProof, readProof }: RevealBinInput, origin: RequestOrigin) {
    await rateLimiter.consume("bins.reveal", origin.sourceIp, rateLimits.reveal);
    const proofs = { binId, linkProofHash: hashProof(linkProof), readProofHash: hashProof(readProof) };
    const now = nowSeconds();
    const taken = await takeBinRead(db, {
      ...proofs,
      nowSeconds: now,
      spentUntil: now + limits.binDownloadUrlSeconds,
    });
    if (!taken) throw await whyNoRead(proofs, origin);
    const { bin, readsLeft } = taken;
    if (readsLeft === 0)
      onBurned?.({ reason: "bin_burned", procedure: "bins.reveal", requestId: origin.requestId });
    const content = bin.objectKey
      ? { downloadUrl: await requireObjects().presignDownload(bin.objectKey) }
      : { ciphertext: toBase64url(bin.ciphertext as Uint8Array) };
    return {
      kind: bin.kind,
      version: bin.version,
      ...content,
      iv: toBase64url(bin.iv as Uint8Array),
      passphraseSalt: bin.passphraseSalt ? toBase64url(bin.passphraseSalt as Uint8Array) : null,
      expiresAt: bin.expiresAt,
      readsLeft,
    };
  }

  /**
   * Why no read was taken. Whether a read was taken was decided by the write alone; a wrong
   * passphrase is counted by a conditional write of its own, and the one that reaches the limit
   * destroys the bin.
   */
  async function whyNoRead(
    proofs: {
      binId: string;
      linkProofHash: string;
      readProofHash: string;
    },
    origin: RequestOrigin,
  ): Promise<CofferError> {
    const item = await readLiveBin(proofs.binId);
    if (!item) return binGone();
    if (item.linkProofHash !== proofs.linkProofHash) return linkProofRefused();
    if (item.readProofHash === proofs.readProofHash) return binReadRaced();
    if (item.passphraseSalt === undefined) return linkProofRefused();
    const wrong = await countWrongPassphrase(db, { ...proofs, nowSeconds: nowSeconds() });
    if (wrong === undefined) return binGone(); // deleted, expired or changed meanwhile
    if (wrong < limits.maxBinWrongPassphrases) return passphraseRefused(triesLeft(wrong));
    await destroyBinAfterWrongPassphrases(db, {
      binId: proofs.binId,
      limit: limits.maxBinWrongPassphrases,
    });
    onBurned?.({ reason: "bin_passphrase_limit", procedure: "bins.reveal", requestId: origin.requestId });
    return binDestroyedByGuesses();
  }

  /**
   * What update and delete both check first, cheapest first: a wrapped key is present, the caller
   * is within the manage rate limit, the bin is live, and the wrapped key proves ownership against
   * the stored commitment (KMS, compared in constant time). Returns the live bin.
   */
  async function ownedLiveBin(
    binId: string,
    wrappedKey: Buffer | undefined,
    origin: RequestOrigin,
  ): Promise<BinItem> {
    const proof = requireWrappedKey(wrappedKey);
    await rateLimiter.consume("bins.manage", origin.sourceIp, rateLimits.manage);
    const item = await readLiveBin(binId);
    if (!item) throw binGone();
    const commitment = await commitmentFromWrappedKey({ kms, keyId, binId: item.binId, wrappedKey: proof });
    assertCommitmentsMatch(Buffer.from(item.manageCommitment, "base64url"), commitment);
    return item;
  }

  async function update(input: UpdateBinInput, origin: RequestOrigin) {
    const item = await ownedLiveBin(input.binId, input.wrappedKey, origin);
    if (item.version !== input.version) throw binVersionStale();
    const { stored, uploadUrl } = await placeContent(input, input.version + 1);
    const replaced = await replaceBinContent(db, {
      binId: input.binId,
      expectedVersion: input.version,
      manageCommitment: item.manageCommitment,
      nowSeconds: nowSeconds(),
      content: {
        kind: input.kind,
        ciphertext: stored.ciphertext,
        objectKey: stored.objectKey,
        objectBytes: stored.objectBytes,
        iv: input.iv,
        passphraseSalt: input.passphraseSalt,
        linkProofHash: toBase64url(input.linkProofHash),
        readProofHash: toBase64url(input.readProofHash),
      },
    });
    if (!replaced) throw binVersionStale();
    // The version a reader might still be downloading is not the new one: its object can go.
    if (item.objectKey) await requireObjects().remove(item.objectKey);
    return { binId: input.binId, version: input.version + 1, uploadUrl };
  }

  async function remove(input: DeleteBinInput, origin: RequestOrigin) {
    const item = await ownedLiveBin(input.binId, input.wrappedKey, origin);
    const deleted = await deleteBinIfOwned(db, {
      binId: input.binId,
      manageCommitment: item.manageCommitment,
    });
    if (!deleted) throw binGone();
    if (deleted.objectKey) await requireObjects().remove(deleted.objectKey);
    return { binId: input.binId, deleted: true as const };
  }

  /**
   * After the last read of a large bin, the reader's page has its download: the object and the
   * spent marker go now. Only a holder of the link may ask; anything else changes nothing.
   */
  async function release({ binId, linkProof }: ReleaseBinInput) {
    const spent = await deleteSpentBin(db, { binId, linkProofHash: hashProof(linkProof) });
    if (spent?.objectKey) await requireObjects().remove(spent.objectKey);
    return { binId, released: spent !== undefined };
  }

  /** The owner brings the expiry forward; it never moves later than chosen at creation. */
  async function setExpiry(input: SetBinExpiryInput, origin: RequestOrigin) {
    const item = await ownedLiveBin(input.binId, input.wrappedKey, origin);
    const now = nowSeconds();
    if (input.expiresAt <= now || input.expiresAt >= item.expiresAt) throw binExpiryRefused();
    const written = await shortenBinExpiry(db, {
      binId: input.binId,
      manageCommitment: item.manageCommitment,
      expiresAt: input.expiresAt,
      nowSeconds: now,
    });
    if (!written) throw binGone();
    return { binId: input.binId, expiresAt: input.expiresAt };
  }

  return { issueKey, create, get, reveal, release, update, setExpiry, delete: remove };
}

export type BinService = ReturnType<typeof createBinService>;
