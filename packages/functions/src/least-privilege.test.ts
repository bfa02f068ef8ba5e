import { KMSClient } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { type CofferClient, createCofferClient } from "@coffer/client";
import { sealForCreate } from "@coffer/testkit/bins";
import { startTestStack } from "@coffer/testkit/stack";
import { kmsStatements, type KmsStatement } from "../../../infra/lib/policies";
import { connectDb } from "@coffer/core/db";
import { portsFromEnvironment } from "./handlers/ports";
import {
  functionFor,
  functionNames,
  type KmsCapability,
  kmsCapabilitiesOf,
  type ProcedurePath,
  procedureRoutes,
} from "./routes";
import { createServices } from "./services";
import { b64 } from "@coffer/testkit/b64";
import { sealBySpec } from "@coffer/testkit/sealed-by-spec";

// Least privilege, checked against reality: every procedure is run for real, every KMS request it
// makes is observed (action, key, context), and each must be allowed by the IAM statements that
// infra derives for its function from the route table. Every capability a procedure declares must
// be used, so no function holds an action that its procedures do not need.

interface KmsRequest {
  actions: string[];
  keyArn: string | undefined;
  context: Record<string, string>;
  algorithm: string | undefined;
}

const actionsOf: Record<string, string[]> = {
  GenerateDataKey: ["kms:GenerateDataKey"],
  GenerateDataKeyWithoutPlaintext: ["kms:GenerateDataKeyWithoutPlaintext"],
  Decrypt: ["kms:Decrypt"],
  ReEncrypt: ["kms:ReEncryptFrom", "kms:ReEncryptTo"],
  DescribeKey: ["kms:DescribeKey"],
  RotateKeyOnDemand: ["kms:RotateKeyOnDemand"],
  ListKeyRotations: ["kms:ListKeyRotations"],
  Encrypt: ["kms:Encrypt"],
  GetPublicKey: ["kms:GetPublicKey"],
};

let stack: Awaited<ReturnType<typeof startTestStack>>;
let client: CofferClient;
let observed: KmsRequest[] = [];

beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  stack = await startTestStack();
  client = createCofferClient({
    url: stack.gateway.url,
    token: await stack.mintToken({
      name: "all",
      scopes: ["datakey", "encrypt", "decrypt", "rewrap", "drop", "admin"],
    }),
  });
  // Observe (not replace) every KMS request the handlers send, with the key that answered it.
  const send = KMSClient.prototype.send;
  vi.spyOn(KMSClient.prototype, "send").mockImplementation(async function (this: KMSClient, command: never) {
    const output = (await (send as (c: unknown) => Promise<{ KeyId?: string }>).call(this, command)) ?? {};
    const { constructor, input } = command as {
      constructor: { name: string };
      input: Record<string, unknown>;
    };
    const operation = constructor.name.replace(/Command$/, "");
    const context = (input.EncryptionContext ?? input.DestinationEncryptionContext ?? {}) as Record<
      string,
      string
    >;
    const keyArn = output.KeyId ?? (input.KeyId as string | undefined);
    const algorithm = input.EncryptionAlgorithm as string | undefined;
    observed.push({ actions: actionsOf[operation] ?? [`kms:${operation}`], keyArn, context, algorithm });
    return output;
  } as never);
});
afterAll(() => stack.stop());

const fresh = () => ({ run: `${Date.now()}-${Math.random()}` });

/** A payload sealed to the stage's key, as a service would (docs/sealed.md). */
async function sealedPayload(text = "sealed") {
  const { spki } = await client.keys.publicKey.query();
  return Buffer.from(sealBySpec(Buffer.from(spki, "base64url"), Buffer.from(text))).toString("base64url");
}

async function openRequestLink() {
  const { requestId, secret } = await client.requests.create.mutate({
    note: "least privilege",
    maxSubmissions: 5,
  });
  return { requestId, secret };
}

const revealOf = new Map<string, { binId: string; linkProof: string; readProof: string }>();
async function issuedBin() {
  const issued = await client.bins.issueKey.mutate();
  const { wire, revealWire } = await sealForCreate(issued, { maxReads: 5 });
  revealOf.set(wire.binId, revealWire);
  return { issued, wire };
}

/** For each procedure: setup (not observed), then the call whose KMS requests are observed. */
const exercises: Record<ProcedurePath, () => Promise<() => Promise<unknown>>> = {
  health: async () => () => client.health.query(),
  "keys.dataKey": async () => () => client.keys.dataKey.mutate({ keyName: "default", context: fresh() }),
  "keys.decryptDataKey": async () => {
    const context = fresh();
    const { wrappedKey } = await client.keys.dataKey.mutate({
      keyName: "default",
      context,
      plaintext: false,
    });
    return () => client.keys.decryptDataKey.mutate({ keyName: "default", wrappedKey, context });
  },
  "crypto.encrypt": async () => () =>
    client.crypto.encrypt.mutate({ keyName: "default", plaintext: b64("x"), context: fresh() }),
  "crypto.encryptBatch": async () => () =>
    client.crypto.encryptBatch.mutate({ items: [{ keyName: "pii", plaintext: b64("x"), context: fresh() }] }),
  "crypto.decrypt": async () => {
    const context = fresh();
    const { envelope } = await client.crypto.encrypt.mutate({
      keyName: "default",
      plaintext: b64("x"),
      context,
    });
    return () => client.crypto.decrypt.mutate({ envelope, context });
  },
  "crypto.decryptBatch": async () => {
    const context = fresh();
    const { envelope } = await client.crypto.encrypt.mutate({
      keyName: "default",
      plaintext: b64("x"),
      context,
    });
    return () => client.crypto.decryptBatch.mutate({ items: [{ envelope, context }] });
  },
  "crypto.rewrap": async () => {
    const { envelope } = await client.crypto.encrypt.mutate({
      keyName: "default",
      plaintext: b64("x"),
      context: fresh(),
    });
    return () => client.crypto.rewrap.mutate({ envelope });
  },
  "records.put": async () => () =>
    client.records.put.mutate({ keyName: "default", plaintext: b64("x"), context: fresh() }),
  "records.get": async () => {
    const { recordId } = await client.records.put.mutate({
      keyName: "default",
      plaintext: b64("x"),
      context: fresh(),
    });
    return () => client.records.get.query({ recordId });
  },
  "records.list": async () => {
    await client.records.put.mutate({ keyName: "default", plaintext: b64("x") });
    return () => client.records.list.query({ limit: 5 });
  },
  "records.delete": async () => {
    const { recordId } = await client.records.put.mutate({ keyName: "default", plaintext: b64("x") });
    return () => client.records.delete.mutate({ recordId });
  },
  "bins.issueKey": async () => () => client.bins.issueKey.mutate(),
  "bins.create": async () => {
    const { wire } = await issuedBin();
    return () => client.bins.create.mutate(wire);
  },
  "bins.get": async () => {
    const { wire } = await issuedBin();
    await client.bins.create.mutate(wire);
    return () => client.bins.get.query({ binId: wire.binId });
  },
  "bins.reveal": async () => {
    const { wire } = await issuedBin();
    await client.bins.create.mutate(wire);
    const revealWire = revealOf.get(wire.binId)!;
    return () => client.bins.reveal.mutate(revealWire);
  },
  "bins.release": async () => {
    const { wire } = await issuedBin();
    await client.bins.create.mutate(wire);
    const { binId, linkProof } = revealOf.get(wire.binId)!;
    return () => client.bins.release.mutate({ binId, linkProof });
  },
  "bins.update": async () => {
    const { wire } = await issuedBin();
    const { version } = await client.bins.create.mutate(wire);
    const { binId, wrappedKey, kind, ciphertext, iv, linkProofHash, readProofHash } = wire;
    return () =>
      client.bins.update.mutate({
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
      client.bins.setExpiry.mutate({
        binId: wire.binId,
        wrappedKey: wire.wrappedKey,
        expiresAt: expiresAt - 60,
      });
  },
  "bins.delete": async () => {
    const { wire } = await issuedBin();
    await client.bins.create.mutate(wire);
    return () => client.bins.delete.mutate({ binId: wire.binId, wrappedKey: wire.wrappedKey });
  },
  "keys.publicKey": async () => () => client.keys.publicKey.query(),
  "crypto.openSealed": async () => {
    const sealed = await sealedPayload();
    return () => client.crypto.openSealed.mutate({ sealed });
  },
  "records.putSealed": async () => {
    const sealed = await sealedPayload();
    return () => client.records.putSealed.mutate({ keyName: "default", sealed, context: fresh() });
  },
  "requests.create": async () => () => client.requests.create.mutate({ note: "lp" }),
  "requests.list": async () => () => client.requests.list.query(),
  "requests.get": async () => {
    const link = await openRequestLink();
    return () => client.requests.get.mutate(link);
  },
  "requests.submit": async () => {
    const link = await openRequestLink();
    const sealed = await sealedPayload();
    return () => client.requests.submit.mutate({ ...link, sealed });
  },
  "admin.tokens.create": async () => () =>
    client.admin.tokens.create.mutate({ name: "lp", scopes: ["encrypt"] }),
  "admin.tokens.list": async () => () => client.admin.tokens.list.query(),
  "admin.keys.list": async () => () => client.admin.keys.list.query(),
  "admin.keys.rotate": async () => () => client.admin.keys.rotate.mutate({ keyName: "pii" }),
  "admin.keys.disable": async () => () => client.admin.keys.disable.mutate({ keyName: "pii" }),
  "admin.keys.enable": async () => () => client.admin.keys.enable.mutate({ keyName: "pii" }),
  "admin.keys.setMinDecryptionVersion": async () => () =>
    client.admin.keys.setMinDecryptionVersion.mutate({ keyName: "pii", minDecryptionVersion: 1 }),
  "admin.keys.startRewrap": async () => () => client.admin.keys.startRewrap.mutate({ keyName: "default" }),
  "admin.keys.campaign": async () => {
    const { campaignId } = await client.admin.keys.startRewrap.mutate({ keyName: "pii" });
    return () => client.admin.keys.campaign.query({ campaignId });
  },
  "admin.audit.list": async () => () => client.admin.audit.list.query({ chain: "tokens" }),
  "admin.audit.verify": async () => () => client.admin.audit.verify.query({ chain: "key:pii" }),
  "admin.tokens.revoke": async () => {
    const { tokenId } = await client.admin.tokens.create.mutate({ name: "lp2", scopes: ["encrypt"] });
    return () => client.admin.tokens.revoke.mutate({ tokenId });
  },
};

const keyArnsOf = () => ({
  data: [stack.keyArns.default!, stack.keyArns.pii!],
  bins: stack.keyArns.bins!,
  seal: stack.sealArn,
});

/**
 * Capabilities a procedure uses only on an instance's first call (the seal key's public half is
 * fetched once per instance): the cold-instance test below checks those.
 */
const firstCallOnly: Partial<Record<ProcedurePath, KmsCapability[]>> = {
  "crypto.openSealed": ["getSealPublicKey"],
  "records.putSealed": ["getSealPublicKey"],
  "requests.submit": ["getSealPublicKey"],
};

/** A tiny IAM evaluator for the statements infra builds: action, resource and StringEquals on the context. */
function allows(statements: KmsStatement<string>[], action: string, request: KmsRequest): boolean {
  return statements.some(
    (statement) =>
      statement.actions.includes(action) &&
      request.keyArn !== undefined &&
      statement.resources.includes(request.keyArn) &&
      (statement.conditions ?? []).every((condition) => {
        if (condition.variable === "kms:EncryptionAlgorithm")
          return condition.test === "StringEquals" && condition.values.includes(request.algorithm ?? "");
        const key = condition.variable.replace(/^kms:EncryptionContext:/, "");
        return condition.test === "StringEquals" && condition.values.includes(request.context[key] ?? "");
      }),
  );
}

test.each(Object.keys(procedureRoutes) as ProcedurePath[])(
  "%s: every KMS request is allowed, and every declared capability is used",
  async (path) => {
    expect(exercises[path], `no exercise for ${path}`).toBeDefined();
    const keys = keyArnsOf();
    const run = await exercises[path]();
    observed = [];
    await run();
    const requests = observed;

    const fn = functionFor(path)!;
    const functionPolicy = kmsStatements(kmsCapabilitiesOf(fn), keys);
    for (const request of requests) {
      for (const action of request.actions)
        expect(allows(functionPolicy, action, request), `${path}: ${action} on ${request.keyArn}`).toBe(true);
    }
    for (const capability of procedureRoutes[path].kms) {
      if (firstCallOnly[path]?.includes(capability)) continue;
      const needed = kmsStatements([capability], keys);
      const used = requests.some((request) =>
        request.actions.some((action) => allows(needed, action, request)),
      );
      expect(used, `${path} declares ${capability} but never used it`).toBe(true);
    }
  },
);

test("cold instances make, then adopt, the bins rate-limit pepper with only the api function's rights", async () => {
  const keys = keyArnsOf();
  const policy = kmsStatements(kmsCapabilitiesOf(functionFor("bins.issueKey")!), keys);
  const { db, dynamo } = connectDb({ endpoint: stack.dynamoEndpoint, table: stack.tableName });
  await db.entities.pepper.delete({ name: "bins/rate-limit" }).go();
  dynamo.destroy();

  const pepperRequests: KmsRequest[] = [];
  for (const instance of ["makes", "adopts"]) {
    observed = [];
    // A new set of services is what a new Lambda instance builds on its first request.
    await createServices(portsFromEnvironment()).bins.issueKey({ sourceIp: "192.0.2.44" });
    for (const request of observed) {
      for (const action of request.actions)
        expect(
          allows(policy, action, request),
          `${instance}: ${action} ${JSON.stringify(request.context)}`,
        ).toBe(true);
    }
    pepperRequests.push(...observed.filter((request) => request.context.pepper !== undefined));
  }
  expect(pepperRequests.map((request) => request.actions[0])).toEqual(["kms:GenerateDataKey", "kms:Decrypt"]);
});

test("a cold instance fetches the seal key's public half, and opens sealed input, with only its function's rights", async () => {
  const keys = keyArnsOf();
  for (const path of ["crypto.openSealed", "records.putSealed"] as const) {
    const policy = kmsStatements(kmsCapabilitiesOf(functionFor(path)!), keys);
    const sealed = Buffer.from(await sealedPayload(path), "base64url");
    // A new set of services is what a new Lambda instance builds on its first request.
    const services = createServices(portsFromEnvironment());
    observed = [];
    if (path === "crypto.openSealed") await services.sealed.openOnce(sealed);
    else
      await services.drops.put(
        { keyName: "default", sealed },
        { tokenId: "cold", namespace: "default", scopes: ["drop"] },
      );
    const actions = observed.flatMap((request) => request.actions);
    expect(actions).toContain("kms:GetPublicKey");
    expect(actions).toContain("kms:Decrypt");
    for (const request of observed)
      for (const action of request.actions)
        expect(allows(policy, action, request), `${path}: ${action} on ${request.keyArn}`).toBe(true);
  }
});

test("only the functions serving procedures that open sealed input may decrypt with the seal key", () => {
  const keys = keyArnsOf();
  const opening = new Set(
    (Object.keys(procedureRoutes) as ProcedurePath[])
      .filter((path) => (procedureRoutes[path].kms as readonly KmsCapability[]).includes("decryptSealKey"))
      .map((path) => functionFor(path)),
  );
  const sealDecrypt = {
    actions: ["kms:Decrypt"],
    keyArn: keys.seal,
    context: {},
    algorithm: "RSAES_OAEP_SHA_256",
  };
  for (const fn of functionNames) {
    const policy = kmsStatements(kmsCapabilitiesOf(fn), keys);
    expect(allows(policy, "kms:Decrypt", sealDecrypt), fn).toBe(opening.has(fn));
    // Never for another algorithm.
    expect(allows(policy, "kms:Decrypt", { ...sealDecrypt, algorithm: "RSAES_OAEP_SHA_1" }), fn).toBe(false);
  }
});
