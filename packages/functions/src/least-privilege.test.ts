import { KMSClient } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { type CofferClient, createCofferClient } from "@coffer/client";
import { startTestStack } from "@coffer/testkit/stack";
import { runDynamoEndpoint } from "@coffer/testkit/dynamo";
import { kmsStatements, type KmsStatement } from "../../../infra/lib/policies";
import { type DynamoStatement, dynamoStatements } from "../../../infra/lib/dynamo-policies";
import { type DynamoRequest, type DynamoProxy, startDynamoProxy } from "@coffer/testkit/dynamo-proxy";
import { connectDb } from "@coffer/core/db";
import { portsFromEnvironment } from "./handlers/ports";
import {
  dynamoCapabilitiesOf,
  type FunctionName,
  functionFor,
  functionNames,
  type KmsCapability,
  kmsCapabilitiesOf,
  type ProcedurePath,
  procedureRoutes,
} from "./routes";
import { createServices } from "./services";
import { type Exercises, exercisesFor } from "@coffer/testkit/exercises";
import { sealBySpec } from "@coffer/testkit/sealed-by-spec";

// Least privilege, checked against reality: every procedure is run for real, every KMS request it
// makes is observed (action, key, context), and so is every DynamoDB request (action, table or
// index, partition keys) through a recording proxy in front of DynamoDB Local. Each must be allowed
// by the IAM statements that infra derives for its function from the route table. Every KMS
// capability a procedure declares must be used, and every DynamoDB grant of a function must be used
// by one of its procedures, so no function holds an action that its procedures do not need.

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
let dynamo: DynamoProxy;

beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  dynamo = await startDynamoProxy(runDynamoEndpoint());
  // A usage flush on every request that holds counts (not once a second), so that each request's own
  // counter writes are observed with it and every function's flush grants are seen in use.
  stack = await startTestStack({ dynamoEndpoint: dynamo.url, environment: { COFFER_USAGE_FLUSH_MS: "0" } });
  client = createCofferClient({
    url: stack.gateway.url,
    token: await stack.mintToken({
      name: "all",
      scopes: ["datakey", "encrypt", "decrypt", "rewrap", "drop", "admin"],
    }),
  });
  exercises = exercisesFor(client);
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
afterAll(async () => {
  await stack.stop();
  await dynamo.close();
});

let exercises: Exercises;

const tableArn = () => `arn:aws:dynamodb:us-east-1:000000000000:table/${stack.tableName}`;
const tableArns = () => ({ table: tableArn(), index: (name: string) => `${tableArn()}/index/${name}` });
const dynamoPolicyOf = (fn: FunctionName) => dynamoStatements(dynamoCapabilitiesOf(fn), tableArns());
const used: Record<FunctionName, DynamoRequest[]> = { api: [], decrypt: [], admin: [] };

/** IAM's StringLike: "*" matches any run of characters. */
const like = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  ).test(value);

/** A tiny IAM evaluator for DynamoDB: action, table or index ARN, and ForAllValues:StringLike on the partition keys. */
function dynamoAllows(statements: DynamoStatement<string>[], request: DynamoRequest): boolean {
  if (request.table !== stack.tableName) return false;
  const resource = request.index ? tableArns().index(request.index) : tableArn();
  return statements.some(
    (statement) =>
      statement.actions.includes(request.action) &&
      statement.resources.includes(resource) &&
      (statement.conditions ?? []).every(
        (condition) =>
          condition.test === "ForAllValues:StringLike" &&
          request.leadingKeys.every((key) => condition.values.some((pattern) => like(pattern, key))),
      ),
  );
}

/** The requests that the function's statements would refuse, described for the failure message. */
function dynamoViolations(fn: FunctionName, requests: DynamoRequest[]): string[] {
  const policy = dynamoPolicyOf(fn);
  return requests
    .filter((request) => !dynamoAllows(policy, request))
    .map(
      (request) => `${fn}: ${request.action} ${request.index ?? "table"} ${request.leadingKeys.join(",")}`,
    );
}

/** A payload sealed to the stage's key, as a service would (docs/sealed.md). */
async function sealedPayload(text = "sealed") {
  const { spki } = await client.keys.publicKey.query();
  return Buffer.from(sealBySpec(Buffer.from(spki, "base64url"), Buffer.from(text))).toString("base64url");
}

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
        if (condition.variable === "kms:EncryptionContextKeys")
          return (
            condition.test === "ForAllValues:StringEquals" &&
            Object.keys(request.context).every((key) => condition.values.includes(key))
          );
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
    dynamo.requests.length = 0;
    await run();
    const requests = observed;
    const dynamoRequests = [...dynamo.requests];

    const fn = functionFor(path)!;
    const functionPolicy = kmsStatements(kmsCapabilitiesOf(fn), keys);
    for (const request of requests) {
      for (const action of request.actions)
        expect(allows(functionPolicy, action, request), `${path}: ${action} on ${request.keyArn}`).toBe(true);
    }
    expect(dynamoViolations(fn, dynamoRequests), `${path}: DynamoDB requests outside its statements`).toEqual(
      [],
    );
    used[fn].push(...dynamoRequests);
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

test("a planted DynamoDB request outside the function's statements is caught", async () => {
  // As if bins.get, served by the api function, also wrote a token item: the checker must refuse it.
  const run = await exercises["bins.get"]();
  dynamo.requests.length = 0;
  const { db, dynamo: client } = connectDb({ endpoint: dynamo.url, table: stack.tableName });
  await Promise.all([
    run(),
    db.entities.token
      .put({ tokenId: "planted", name: "planted", secretHash: "x", scopes: ["admin"], createdAt: 1 })
      .go(),
  ]);
  client.destroy();
  expect(dynamoViolations("api", [...dynamo.requests])).toEqual([
    "api: dynamodb:PutItem table $coffer#tokenId_planted",
  ]);
  // The same request is one the admin function may make.
  expect(
    dynamoViolations(
      "admin",
      dynamo.requests.filter((r) => r.action === "dynamodb:PutItem"),
    ),
  ).toEqual([]);
});

test("cold instances make, then adopt, the bins rate-limit pepper with only the api function's rights", async () => {
  const keys = keyArnsOf();
  const policy = kmsStatements(kmsCapabilitiesOf(functionFor("bins.issueKey")!), keys);
  const { db, dynamo: direct } = connectDb({ endpoint: stack.dynamoEndpoint, table: stack.tableName });
  await db.entities.pepper.delete({ name: "bins/rate-limit" }).go();
  direct.destroy();

  const pepperRequests: KmsRequest[] = [];
  for (const instance of ["makes", "adopts"]) {
    observed = [];
    dynamo.requests.length = 0;
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
    expect(dynamoViolations("api", [...dynamo.requests])).toEqual([]);
    used.api.push(...dynamo.requests);
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
    dynamo.requests.length = 0;
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
    expect(dynamoViolations(functionFor(path)!, [...dynamo.requests])).toEqual([]);
    used[functionFor(path)!].push(...dynamo.requests);
  }
});

test("a sealed payload refused after its nonce was claimed gives the claim back, within its function's statements", async () => {
  // The last byte lies in the AES-GCM part: the payload passes the free checks, its nonce is
  // claimed and its key unwrapped, then it is refused as tampered and the claim deleted.
  const tampered = async () => {
    const bytes = Buffer.from(await sealedPayload("tampered"), "base64url");
    bytes[bytes.length - 1]! ^= 1;
    return bytes.toString("base64url");
  };
  const calls: Record<string, (sealed: string) => Promise<unknown>> = {
    "crypto.openSealed": (sealed) => client.crypto.openSealed.mutate({ sealed }),
    "records.putSealed": (sealed) => client.records.putSealed.mutate({ keyName: "default", sealed }),
    "requests.submit": async (sealed) => {
      const link = await client.requests.create.mutate({ note: "tampered", maxSubmissions: 1 });
      dynamo.requests.length = 0;
      return client.requests.submit.mutate({ requestId: link.requestId, secret: link.secret, sealed });
    },
  };
  for (const [path, call] of Object.entries(calls) as [
    ProcedurePath,
    (sealed: string) => Promise<unknown>,
  ][]) {
    const sealed = await tampered();
    dynamo.requests.length = 0;
    await expect(call(sealed), path).rejects.toThrow();
    const requests = [...dynamo.requests];
    expect(
      requests.filter((r) => r.action === "dynamodb:DeleteItem").map((r) => r.leadingKeys[0]?.split("_")[0]),
      path,
    ).toEqual(["$coffer#nonce"]);
    const fn = functionFor(path)!;
    expect(dynamoViolations(fn, requests), path).toEqual([]);
    used[fn].push(...requests);
  }
});

test("a refused request on each function flushes its refusal counters and sample within that function's statements", async () => {
  const stranger = createCofferClient({ url: stack.gateway.url, token: "coffer_not-a-token" });
  const refused: Record<FunctionName, () => Promise<unknown>> = {
    api: () => stranger.crypto.encrypt.mutate({ keyName: "default", plaintext: "eA" }),
    decrypt: () => stranger.records.list.query({}),
    admin: () => stranger.admin.keys.list.query(),
  };
  for (const fn of functionNames) {
    dynamo.requests.length = 0;
    await expect(refused[fn](), fn).rejects.toThrow();
    const requests = [...dynamo.requests];
    expect(requests.map((r) => `${r.action} ${r.leadingKeys[0]?.split("_")[0]}`).sort(), fn).toEqual(
      expect.arrayContaining([
        "dynamodb:PutItem $coffer#refusalLog",
        "dynamodb:UpdateItem $coffer#refusalTally",
      ]),
    );
    expect(dynamoViolations(fn, requests), fn).toEqual([]);
    used[fn].push(...requests);
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

// Runs last (vitest keeps file order): every grant a function holds was needed by some request.
test("every DynamoDB grant of each function is used by one of its procedures", () => {
  for (const fn of functionNames) {
    for (const statement of dynamoPolicyOf(fn)) {
      const patterns = statement.conditions?.[0]?.values ?? [undefined];
      for (const pattern of patterns) {
        const grant = {
          ...statement,
          conditions: pattern ? [{ ...statement.conditions![0]!, values: [pattern] }] : [],
        };
        const isUsed = used[fn].some((request) => dynamoAllows([grant], request));
        expect(
          isUsed,
          `${fn} holds ${statement.actions[0]} on ${pattern ?? "the table"} but never used it`,
        ).toBe(true);
      }
    }
  }
});
