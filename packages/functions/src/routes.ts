// The route table: which Lambda function serves which procedure, and which KMS and DynamoDB
// capabilities each procedure needs. Infra turns it into functions, routes and least-privilege
// policies; the local gateway serves it; the client's splitLink reads it so a batch never mixes two
// functions. Pure data (its one import is a type): the web bundle imports it too.

import type { EntityIndex, EntityName } from "@coffer/core/config";

/**
 * api: public procedures, encryption, data keys, record writes. decrypt: everything that unwraps a
 * data key. admin: tokens (and, later, key lifecycle and audit), so that whoever controls the
 * public function cannot mint a token for the decrypt function.
 */
export type FunctionName = "api" | "decrypt" | "admin";

/** What a procedure asks of KMS. infra/lib/policies.ts maps each to IAM actions and resources. */
export type KmsCapability =
  | "describeKey" // DescribeKey on the catalog keys (health)
  | "generateDataKey" // GenerateDataKey* on the data keys
  | "decryptDataKey" // Decrypt on the data keys
  | "reEncryptDataKey" // ReEncryptFrom/To on the data keys
  | "generateBinKey" // GenerateDataKey on the bins key, only with context purpose=bin
  | "decryptBinKey" // Decrypt on the bins key, only with context purpose=bin
  | "getSealPublicKey" // GetPublicKey on the RSA seal key
  | "decryptSealKey" // Decrypt on the RSA seal key (RSAES_OAEP_SHA_256): opens sealed input
  | "rotateKey" // RotateKeyOnDemand and ListKeyRotations on the data keys (admin.keys.rotate)
  | "listKeyRotations"; // ListKeyRotations on the data keys (the scheduled rotation sync)

/** The item-level DynamoDB actions Coffer uses; infra/lib/dynamo-policies.ts grants them per entity. */
export type DynamoItemAction =
  "GetItem" | "PutItem" | "UpdateItem" | "DeleteItem" | "ConditionCheckItem" | "Query";

/**
 * What a procedure asks of DynamoDB: actions on the items of one entity, through the table's key
 * (default) or a global index's; or `describeTable`, the health probe's metadata read; or
 * `scanTable`, a paged Scan of the records (the rewrap campaign, and the admin's count of the
 * records below a version; no other procedure may scan).
 */
export type DynamoCapability =
  | {
      [E in EntityName]: { entity: E; actions: readonly DynamoItemAction[]; index?: EntityIndex<E> };
    }[EntityName]
  | "describeTable"
  | "scanTable";

export interface FunctionRoute {
  /** The API Gateway path prefix: the function serves `ANY <path>/{proxy+}`. */
  path: string;
  /** SST handler string: file (from the repo root, without extension) + "." + export. */
  handler: string;
  timeoutSeconds: number;
  memoryMb: number;
}

export interface ProcedureRoute {
  fn: FunctionName;
  kms: readonly KmsCapability[];
  dynamo: readonly DynamoCapability[];
}

export const functionRoutes = {
  api: {
    path: "/api",
    handler: "packages/functions/src/handlers/api.handler",
    timeoutSeconds: 10,
    memoryMb: 1024,
  },
  decrypt: {
    path: "/decrypt",
    handler: "packages/functions/src/handlers/decrypt.handler",
    timeoutSeconds: 10,
    memoryMb: 1024,
  },
  admin: {
    path: "/admin",
    handler: "packages/functions/src/handlers/admin.handler",
    timeoutSeconds: 10,
    memoryMb: 512,
  },
} as const satisfies Record<FunctionName, FunctionRoute>;

// Shared DynamoDB needs, named for why a procedure has them.
/** A token-scoped procedure reads its caller's token (then trusts it for a second per instance). */
const authenticate = { entity: "token", actions: ["GetItem"] } as const;
/**
 * A rate-limited bin call bumps its counter; on an instance's first one, the rate limiter also
 * reads the pepper that hashes source IPs, or makes it.
 */
const rateLimited = [
  { entity: "rateLimit", actions: ["UpdateItem"] },
  { entity: "pepper", actions: ["GetItem", "PutItem"] },
] as const;
/** Opening sealed input claims its nonce (conditional put) and releases a failed claim (delete). */
const claimNonce = { entity: "nonce", actions: ["PutItem", "DeleteItem"] } as const;

/** An audited change appends to its chain: reads the chain's head, writes the event, moves the head. */
const audited = [
  { entity: "chainHead", actions: ["GetItem", "PutItem", "UpdateItem"] },
  { entity: "audit", actions: ["PutItem"] },
] as const;
/** A key change: the key's item is read (and written at version 1 on first need), then patched. */
const keyChange = [{ entity: "key", actions: ["GetItem", "PutItem", "UpdateItem"] }, ...audited] as const;
/** The key ring reads a key's state and versions (then trusts them for its staleness bound). */
const keyRing = { entity: "key", actions: ["GetItem"] } as const;
/** A flush of the instance's refusal counters (atomic ADD) and of its sampled refusal log (conditional put). */
const flushRefusals = [
  { entity: "refusalCount", actions: ["UpdateItem"] },
  { entity: "refusalSample", actions: ["PutItem"] },
] as const;
/** A flush of the instance's key and token usage counters (atomic ADD). */
const flushUsage = { entity: "usage", actions: ["UpdateItem"] } as const;

/**
 * What every request of a function may do besides its procedure's own work: the request that finds
 * its instance's usage meter due (about once a second) flushes it, whichever procedure it is
 * (usage/meter.ts; a Lambda instance has no background time of its own). Every procedure can be
 * refused, so every function flushes refusal counts; only the functions that encrypt and decrypt
 * hold key and token usage.
 */
export const everyRequestOf = {
  api: [flushUsage, ...flushRefusals],
  decrypt: [flushUsage, ...flushRefusals],
  admin: [...flushRefusals],
} as const satisfies Record<FunctionName, readonly DynamoCapability[]>;

export const procedureRoutes = {
  health: { fn: "api", kms: ["describeKey"], dynamo: ["describeTable"] },
  "keys.dataKey": { fn: "api", kms: ["generateDataKey"], dynamo: [authenticate, keyRing] },
  "keys.decryptDataKey": { fn: "decrypt", kms: ["decryptDataKey"], dynamo: [authenticate, keyRing] },
  "crypto.encrypt": { fn: "api", kms: ["generateDataKey"], dynamo: [authenticate, keyRing] },
  "crypto.encryptBatch": { fn: "api", kms: ["generateDataKey"], dynamo: [authenticate, keyRing] },
  "crypto.decrypt": { fn: "decrypt", kms: ["decryptDataKey"], dynamo: [authenticate, keyRing] },
  "crypto.decryptBatch": { fn: "decrypt", kms: ["decryptDataKey"], dynamo: [authenticate, keyRing] },
  "crypto.rewrap": { fn: "decrypt", kms: ["reEncryptDataKey"], dynamo: [authenticate, keyRing] },
  // Local mode: a data key issued to the caller (encrypt side), an envelope's key opened (decrypt side).
  "crypto.issueEnvelopeKey": { fn: "api", kms: ["generateDataKey"], dynamo: [authenticate, keyRing] },
  "crypto.openEnvelopeKey": { fn: "decrypt", kms: ["decryptDataKey"], dynamo: [authenticate, keyRing] },
  // Sealed input (DESIGN §5): only the procedures that open it may Decrypt with the seal key. The
  // api function holds that too because request links are public pages served by it and land as
  // records (GenerateDataKey), as does the drop box; decrypt opens sealed input for openSealed.
  // Opening claims the payload's nonce (a conditional put) and deletes the claim again when a later
  // check or the caller's write fails (sealed/service.ts).
  "keys.publicKey": { fn: "api", kms: ["getSealPublicKey"], dynamo: [] },
  "crypto.openSealed": {
    fn: "decrypt",
    kms: ["getSealPublicKey", "decryptSealKey"],
    dynamo: [authenticate, claimNonce],
  },
  "records.putSealed": {
    fn: "api",
    kms: ["getSealPublicKey", "decryptSealKey", "generateDataKey"],
    dynamo: [keyRing, authenticate, claimNonce, { entity: "record", actions: ["PutItem"] }],
  },
  "requests.create": {
    fn: "api",
    kms: [],
    dynamo: [authenticate, { entity: "requestLink", actions: ["PutItem"] }],
  },
  "requests.list": {
    fn: "api",
    kms: [],
    dynamo: [authenticate, { entity: "requestLink", actions: ["Query"], index: "gsi1" }],
  },
  // The public two: the link secret, not a token, opens them.
  "requests.get": { fn: "api", kms: [], dynamo: [{ entity: "requestLink", actions: ["GetItem"] }] },
  "requests.submit": {
    fn: "api",
    kms: ["getSealPublicKey", "decryptSealKey", "generateDataKey"],
    dynamo: [
      keyRing,
      // The link is read, then its count bumped (conditional update) in one transaction with the record.
      { entity: "requestLink", actions: ["GetItem", "UpdateItem"] },
      { entity: "record", actions: ["PutItem"] },
      claimNonce,
    ],
  },
  "records.put": {
    fn: "api",
    kms: ["generateDataKey"],
    dynamo: [
      keyRing,
      authenticate,
      // A put with an idempotency key writes both in one transaction; a replay reads both back.
      { entity: "record", actions: ["PutItem", "GetItem"] },
      { entity: "idempotency", actions: ["PutItem", "GetItem"] },
    ],
  },
  "records.get": {
    fn: "decrypt",
    kms: ["decryptDataKey"],
    dynamo: [keyRing, authenticate, { entity: "record", actions: ["GetItem"] }],
  },
  "records.delete": {
    fn: "api",
    kms: [],
    dynamo: [authenticate, { entity: "record", actions: ["GetItem", "DeleteItem"] }],
  },
  "records.list": {
    fn: "decrypt",
    kms: [],
    dynamo: [authenticate, { entity: "record", actions: ["Query"], index: "gsi1" }],
  },
  // Token changes land in one transaction with their event on the tokens audit chain.
  "admin.tokens.create": {
    fn: "admin",
    kms: [],
    dynamo: [authenticate, { entity: "token", actions: ["PutItem"] }, ...audited],
  },
  "admin.tokens.list": {
    fn: "admin",
    kms: [],
    // Each listed token's usage counters: one GetItem each.
    dynamo: [
      authenticate,
      { entity: "token", actions: ["Query"], index: "gsi1" },
      { entity: "usage", actions: ["GetItem"] },
    ],
  },
  "admin.health": { fn: "admin", kms: ["describeKey"], dynamo: [authenticate, "describeTable"] },
  "admin.tokens.revoke": {
    fn: "admin",
    kms: [],
    dynamo: [authenticate, { entity: "token", actions: ["GetItem", "UpdateItem"] }, ...audited],
  },
  // Key lifecycle and audit sit with the other admin procedures. Disable, minimum versions and
  // campaigns are Coffer's own state (no KMS call); rotate asks KMS for a new key version. Each
  // change reads the key's item (writing it at version 1 on first need), then patches it in one
  // transaction with its audit event.
  "admin.keys.list": {
    fn: "admin",
    kms: [],
    // Each key's item and its usage totals per version (one partition per key).
    dynamo: [authenticate, { entity: "key", actions: ["GetItem"] }, { entity: "usage", actions: ["Query"] }],
  },
  "admin.keys.usage": {
    fn: "admin",
    kms: [],
    dynamo: [authenticate, { entity: "usage", actions: ["Query"] }],
  },
  "admin.refusals.list": {
    fn: "admin",
    kms: [],
    dynamo: [
      authenticate,
      { entity: "refusalCount", actions: ["Query"] },
      { entity: "refusalSample", actions: ["Query"] },
    ],
  },
  // A rotate whose version the rotation sync recorded first reads the key's chain to see who did.
  "admin.keys.rotate": {
    fn: "admin",
    kms: ["rotateKey"],
    dynamo: [authenticate, ...keyChange, { entity: "audit", actions: ["Query"] }],
  },
  "admin.keys.disable": { fn: "admin", kms: [], dynamo: [authenticate, ...keyChange] },
  "admin.keys.enable": { fn: "admin", kms: [], dynamo: [authenticate, ...keyChange] },
  "admin.keys.setMinDecryptionVersion": { fn: "admin", kms: [], dynamo: [authenticate, ...keyChange] },
  "admin.keys.startRewrap": {
    fn: "admin",
    kms: [],
    dynamo: [authenticate, ...keyChange, { entity: "campaign", actions: ["GetItem", "PutItem"] }],
  },
  // What raising the minimum would cost: the key's records are read from a bounded Scan page per
  // call (the version is inside each envelope, where no key or filter reaches). The only Scan a
  // procedure makes; it reads envelopes (ciphertext) and never decrypts them.
  "admin.keys.countRecordsBelowVersion": {
    fn: "admin",
    kms: [],
    dynamo: [authenticate, "scanTable"],
  },
  "admin.keys.campaign": {
    fn: "admin",
    kms: [],
    dynamo: [authenticate, { entity: "campaign", actions: ["GetItem"] }],
  },
  "admin.audit.list": {
    fn: "admin",
    kms: [],
    dynamo: [authenticate, { entity: "audit", actions: ["Query"] }],
  },
  "admin.audit.verify": {
    fn: "admin",
    kms: [],
    dynamo: [
      authenticate,
      { entity: "chainHead", actions: ["GetItem"] },
      { entity: "audit", actions: ["Query"] },
    ],
  },
  // On an instance's first rate-limited bin call, the rate limiter also makes (GenerateDataKey) or
  // adopts (Decrypt) its pepper under the bins key: the function serving these holds both, as
  // issueKey and create need them anyway. least-privilege.test checks that cold path too.
  "bins.issueKey": { fn: "api", kms: ["generateBinKey"], dynamo: [...rateLimited] },
  "bins.create": {
    fn: "api",
    kms: ["decryptBinKey"],
    dynamo: [...rateLimited, { entity: "bin", actions: ["PutItem"] }],
  },
  "bins.get": { fn: "api", kms: [], dynamo: [{ entity: "bin", actions: ["GetItem"] }] },
  "bins.reveal": { fn: "api", kms: [], dynamo: [{ entity: "bin", actions: ["UpdateItem", "DeleteItem"] }] },
  "bins.release": {
    fn: "api",
    kms: [],
    dynamo: [{ entity: "bin", actions: ["GetItem", "UpdateItem", "DeleteItem"] }],
  },
  "bins.update": {
    fn: "api",
    kms: ["decryptBinKey"],
    dynamo: [...rateLimited, { entity: "bin", actions: ["GetItem", "UpdateItem"] }],
  },
  "bins.setExpiry": {
    fn: "api",
    kms: ["decryptBinKey"],
    dynamo: [...rateLimited, { entity: "bin", actions: ["GetItem", "UpdateItem"] }],
  },
  "bins.delete": {
    fn: "api",
    kms: ["decryptBinKey"],
    dynamo: [...rateLimited, { entity: "bin", actions: ["GetItem", "DeleteItem"] }],
  },
} as const satisfies Record<string, ProcedureRoute>;

export type ProcedurePath = keyof typeof procedureRoutes;

/**
 * Work that no request starts: a schedule runs it (infra/maintenance.ts) and the local runner runs
 * the same handler on a timer. Key maintenance syncs KMS's automatic rotations into key versions
 * and steps running rewrap campaigns (ReEncrypt), within one invocation's time.
 */
export const scheduledJobs = {
  keyMaintenance: {
    handler: "packages/functions/src/handlers/key-maintenance.handler",
    schedule: "rate(1 minute)",
    timeoutSeconds: 60,
    memoryMb: 1024,
    kms: ["listKeyRotations", "reEncryptDataKey"],
    dynamo: [
      // The rotation sync reads each key (writing it at version 1 on first need) and records a new
      // version as an audited change; campaigns are stepped and checkpointed, and finish with an
      // audited change of the campaign and its key.
      ...keyChange,
      { entity: "campaign", actions: ["GetItem", "UpdateItem"] },
      // A campaign counts and rewraps its key's records from a paged Scan, reading each record
      // again and replacing its envelope conditionally.
      "scanTable",
      { entity: "record", actions: ["GetItem", "UpdateItem"] },
    ],
  },
} as const satisfies Record<
  string,
  Omit<FunctionRoute, "path"> & {
    schedule: string;
    kms: readonly KmsCapability[];
    dynamo: readonly DynamoCapability[];
  }
>;

/** Bearer tokens travel in a header, never in cookies, so any origin may call the API. */
export const corsPolicy = {
  allowOrigins: ["*"],
  allowMethods: ["GET", "POST", "PUT", "DELETE"],
  allowHeaders: ["authorization", "content-type"],
  maxAgeSeconds: 600,
} as const;

export const functionNames = Object.keys(functionRoutes) as FunctionName[];

// How a request reaches a function: API Gateway routes `ANY <path>/{proxy+}` to it, and the client
// puts the tRPC procedure path after the prefix (`/api/crypto.encrypt`). Infra, the local gateway
// and the client all go through these three, so the format is written here only.

/** The API Gateway v2 route key that sends every request under the function's prefix to it. */
/**
 * Where an SST handler string (`path/to/file.export`) points: the TypeScript source, from the
 * repository root, and the name it exports. What runs a handler outside Lambda (the local gateway,
 * the maintenance timer, the bundle build) reads it here.
 */
export function handlerSource(handler: string): { file: string; exportName: string } {
  const dot = handler.lastIndexOf(".");
  return { file: `${handler.slice(0, dot)}.ts`, exportName: handler.slice(dot + 1) };
}

export function routeKeyOf(route: Pick<FunctionRoute, "path">): string {
  return `ANY ${route.path}/{proxy+}`;
}

/** What `{proxy+}` captures of `pathname` (the procedure path), or undefined outside the prefix. */
export function proxyPathOf(route: Pick<FunctionRoute, "path">, pathname: string): string | undefined {
  return pathname.startsWith(`${route.path}/`) ? pathname.slice(route.path.length + 1) : undefined;
}

/** The URL a tRPC link posts to for this function, given the API's base URL. */
export function functionUrl(apiUrl: string, route: Pick<FunctionRoute, "path">): string {
  return `${apiUrl.replace(/\/+$/, "")}${route.path}`;
}

export function functionFor(path: string): FunctionName | undefined {
  return (procedureRoutes as Record<string, ProcedureRoute>)[path]?.fn;
}

/**
 * The DynamoDB capabilities of every procedure that a function serves, and of the usage flush that
 * any of its requests may carry (infra merges them).
 */
export function dynamoCapabilitiesOf(fn: FunctionName): DynamoCapability[] {
  const routes = Object.values(procedureRoutes) as ProcedureRoute[];
  return [
    ...everyRequestOf[fn],
    ...routes.filter((route) => route.fn === fn).flatMap((route) => route.dynamo),
  ];
}

/** The union of the KMS capabilities of every procedure that a function serves. */
export function kmsCapabilitiesOf(fn: FunctionName): KmsCapability[] {
  const routes = Object.values(procedureRoutes) as ProcedureRoute[];
  return [...new Set(routes.filter((route) => route.fn === fn).flatMap((route) => route.kms))].sort();
}

/**
 * Whether a function stores bin contents (it serves bins.*, which presign and delete objects in the
 * bin-objects bucket): only such a function is linked to the bucket (infra/api.ts) and builds the
 * S3 port (handlers/bin-objects-port.ts, imported by its handler alone).
 */
export function storesBinContents(fn: FunctionName): boolean {
  return Object.entries(procedureRoutes).some(([path, route]) => route.fn === fn && path.startsWith("bins."));
}
