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

  async function issuedBin() {
    const issued = await client.bins.issueKey.mutate();
    const { wire } = await sealForCreate(issued, { maxReads: 5 });
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
      return () => caller.bins.reveal.mutate({ binId: wire.binId, readProof: wire.readProof });
    },
    "bins.update": async () => {
      const { wire } = await issuedBin();
      const { version } = await client.bins.create.mutate(wire);
      const { binId, wrappedKey, kind, ciphertext, iv, readProof } = wire;
      return () => caller.bins.update.mutate({ binId, wrappedKey, version, kind, ciphertext, iv, readProof });
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
    "admin.tokens.revoke": async () => {
      const { tokenId } = await client.admin.tokens.create.mutate({ name: "lp2", scopes: ["encrypt"] });
      return () => caller.admin.tokens.revoke.mutate({ tokenId });
    },
  };
}
