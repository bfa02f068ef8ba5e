import type { CofferClient } from "@coffer/client";
import { b64 } from "./b64";
import { sealForCreate } from "./bins";
import { sealBySpec } from "./sealed-by-spec";
import type { ProcedurePath } from "@coffer/functions/routes";

// One real call of every procedure, for the tests that must run them all (least privilege, time
// budgets). Each exercise does its setup (other calls, not part of the observation) and returns the
// call to observe.

/** For each procedure: setup, then the call to observe. */
export type Exercises = Record<ProcedurePath, () => Promise<() => Promise<unknown>>>;

/** `caller` makes the observed calls (by default the same client as the setup). */
export function exercisesFor(client: CofferClient, caller: CofferClient = client): Exercises {
  const fresh = () => ({ run: `${Date.now()}-${Math.random()}` });

  const revealOf = new Map<string, { binId: string; linkProof: string; readProof: string }>();
  async function issuedBin() {
    const issued = await client.bins.issueKey.mutate();
    const { wire, revealWire } = await sealForCreate(issued, { maxReads: 5 });
    revealOf.set(wire.binId, revealWire);
    return { issued, wire };
  }

  /** A payload sealed to the stage's key, as a service would (docs/sealed.md). */
  async function sealedPayload(text = "sealed") {
    const { spki } = await client.keys.publicKey.query();
    return Buffer.from(sealBySpec(Buffer.from(spki, "base64url"), Buffer.from(text))).toString("base64url");
  }

  async function openRequestLink() {
    const { requestId, secret } = await client.requests.create.mutate({
      note: "exercise",
      maxSubmissions: 5,
    });
    return { requestId, secret };
  }

  return {
    health: async () => () => caller.health.query(),
    "admin.health": async () => () => caller.admin.health.query(),
    "keys.dataKey": async () => () => caller.keys.dataKey.mutate({ keyName: "default", context: fresh() }),
    "keys.decryptDataKey": async () => {
      const context = fresh();
      const { wrappedKey } = await client.keys.dataKey.mutate({
        keyName: "default",
        context,
        plaintext: false,
      });
      return () => caller.keys.decryptDataKey.mutate({ keyName: "default", wrappedKey, context });
    },
    "crypto.encrypt": async () => () =>
      caller.crypto.encrypt.mutate({ keyName: "default", plaintext: b64("x"), context: fresh() }),
    "crypto.encryptBatch": async () => () =>
      caller.crypto.encryptBatch.mutate({
        items: [{ keyName: "pii", plaintext: b64("x"), context: fresh() }],
      }),
    "crypto.issueEnvelopeKey": async () => () =>
      caller.crypto.issueEnvelopeKey.mutate({ keyName: "default", context: fresh() }),
    "crypto.openEnvelopeKey": async () => {
      const context = fresh();
      const issued = await client.crypto.issueEnvelopeKey.mutate({ keyName: "default", context });
      const { keyName, keyVersion, mode, wrappedKey } = issued;
      return () => caller.crypto.openEnvelopeKey.mutate({ keyName, keyVersion, mode, wrappedKey, context });
    },
    "crypto.decrypt": async () => {
      const context = fresh();
      const { envelope } = await client.crypto.encrypt.mutate({
        keyName: "default",
        plaintext: b64("x"),
        context,
      });
      return () => caller.crypto.decrypt.mutate({ envelope, context });
    },
    "crypto.decryptBatch": async () => {
      const context = fresh();
      const { envelope } = await client.crypto.encrypt.mutate({
        keyName: "default",
        plaintext: b64("x"),
        context,
      });
      return () => caller.crypto.decryptBatch.mutate({ items: [{ envelope, context }] });
    },
    "crypto.rewrap": async () => {
      const { envelope } = await client.crypto.encrypt.mutate({
        keyName: "default",
        plaintext: b64("x"),
        context: fresh(),
      });
      return () => caller.crypto.rewrap.mutate({ envelope });
    },
    "records.put": async () => async () => {
      // A put with an idempotency key (one transaction), then its replay, which reads the first back.
      const input = { keyName: "default", plaintext: b64("x"), context: fresh(), idempotencyKey: "lp" };
      await caller.records.put.mutate(input);
      return caller.records.put.mutate(input);
    },
    "records.get": async () => {
      const { recordId } = await client.records.put.mutate({
        keyName: "default",
        plaintext: b64("x"),
        context: fresh(),
      });
      return () => caller.records.get.query({ recordId });
    },
    "records.list": async () => {
      await client.records.put.mutate({ keyName: "default", plaintext: b64("x") });
      return () => caller.records.list.query({ limit: 5 });
    },
    "records.delete": async () => {
      const { recordId } = await client.records.put.mutate({ keyName: "default", plaintext: b64("x") });
      return () => caller.records.delete.mutate({ recordId });
    },
    "bins.issueKey": async () => () => caller.bins.issueKey.mutate(),
    "bins.create": async () => {
      const { wire } = await issuedBin();
      return () => caller.bins.create.mutate(wire);
    },
    "bins.get": async () => {
      const { wire } = await issuedBin();
      await client.bins.create.mutate(wire);
      return () => caller.bins.get.query({ binId: wire.binId });
    },
    "bins.reveal": async () => {
      const { wire } = await issuedBin();
      await client.bins.create.mutate(wire);
      const revealWire = revealOf.get(wire.binId)!;
      return () => caller.bins.reveal.mutate(revealWire);
    },
    "bins.release": async () => {
      const { wire } = await issuedBin();
      await client.bins.create.mutate(wire);
      const { binId, linkProof } = revealOf.get(wire.binId)!;
      return () => caller.bins.release.mutate({ binId, linkProof });
    },
    "bins.update": async () => {
      const { wire } = await issuedBin();
      const { version } = await client.bins.create.mutate(wire);
      const { binId, wrappedKey, kind, ciphertext, iv, linkProofHash, readProofHash } = wire;
      return () =>
        caller.bins.update.mutate({
          binId,
          wrappedKey,
          version,
          kind,
          ciphertext,
          iv,
          linkProofHash,
          readProofHash,
        });
    },
    "bins.setExpiry": async () => {
      const { wire } = await issuedBin();
      const { expiresAt } = await client.bins.create.mutate(wire);
      return () =>
        caller.bins.setExpiry.mutate({
          binId: wire.binId,
          wrappedKey: wire.wrappedKey,
          expiresAt: expiresAt - 60,
        });
    },
    "bins.delete": async () => {
      const { wire } = await issuedBin();
      await client.bins.create.mutate(wire);
      return () => caller.bins.delete.mutate({ binId: wire.binId, wrappedKey: wire.wrappedKey });
    },
    "keys.publicKey": async () => () => caller.keys.publicKey.query(),
    "crypto.openSealed": async () => {
      const sealed = await sealedPayload();
      return () => caller.crypto.openSealed.mutate({ sealed });
    },
    "records.putSealed": async () => {
      const sealed = await sealedPayload();
      return () => caller.records.putSealed.mutate({ keyName: "default", sealed, context: fresh() });
    },
    "requests.create": async () => () => caller.requests.create.mutate({ note: "exercise" }),
    "requests.list": async () => {
      await openRequestLink(); // so that the list reads an item, not only an empty index
      return () => caller.requests.list.query();
    },
    "requests.get": async () => {
      const link = await openRequestLink();
      return () => caller.requests.get.mutate(link);
    },
    "requests.submit": async () => {
      const link = await openRequestLink();
      const sealed = await sealedPayload();
      return () => caller.requests.submit.mutate({ ...link, sealed });
    },
    "admin.tokens.create": async () => () =>
      caller.admin.tokens.create.mutate({ name: "lp", scopes: ["encrypt"] }),
    "admin.tokens.list": async () => () => caller.admin.tokens.list.query(),
    // Key changes on "pii" (its catalog entry allows them); each is audited on the key's chain.
    "admin.keys.list": async () => () => caller.admin.keys.list.query(),
    "admin.keys.rotate": async () => () => caller.admin.keys.rotate.mutate({ keyName: "pii" }),
    "admin.keys.disable": async () => () => caller.admin.keys.disable.mutate({ keyName: "pii" }),
    "admin.keys.enable": async () => () => caller.admin.keys.enable.mutate({ keyName: "pii" }),
    "admin.keys.setMinDecryptionVersion": async () => () =>
      caller.admin.keys.setMinDecryptionVersion.mutate({ keyName: "pii", minDecryptionVersion: 1 }),
    "admin.keys.startRewrap": async () => () => caller.admin.keys.startRewrap.mutate({ keyName: "default" }),
    "admin.keys.countRecordsBelowVersion": async () => () =>
      caller.admin.keys.countRecordsBelowVersion.query({ keyName: "default", belowVersion: 2 }),
    "admin.keys.campaign": async () => {
      // A campaign started by an earlier run of these exercises (same stack) may still be running.
      const { keys } = await client.admin.keys.list.query();
      const running = keys.find((key) => key.keyName === "pii")?.activeCampaignId;
      const campaignId =
        running ?? (await client.admin.keys.startRewrap.mutate({ keyName: "pii" })).campaignId;
      return () => caller.admin.keys.campaign.query({ campaignId });
    },
    "admin.keys.usage": async () => () => caller.admin.keys.usage.query({ keyName: "default", days: 7 }),
    "admin.refusals.list": async () => () => caller.admin.refusals.list.query({}),
    "admin.audit.list": async () => () => caller.admin.audit.list.query({ chain: "tokens" }),
    "admin.audit.verify": async () => () => caller.admin.audit.verify.query({ chain: "key:pii" }),
    "admin.tokens.revoke": async () => {
      const { tokenId } = await client.admin.tokens.create.mutate({ name: "lp2", scopes: ["encrypt"] });
      return () => caller.admin.tokens.revoke.mutate({ tokenId });
    },
  };
}
