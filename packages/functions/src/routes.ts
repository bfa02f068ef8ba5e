// The route table: which Lambda function serves which procedure, and which KMS capabilities each
// procedure needs. Infra turns it into functions, routes and least-privilege policies; the local
// gateway serves it; the client's splitLink reads it so a batch never mixes two functions.
// Pure data, no imports: the web bundle imports it too.

export type FunctionName = "api" | "decrypt";

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
} as const satisfies Record<FunctionName, FunctionRoute>;

export const procedureRoutes = {
  health: { fn: "api", kms: ["describeKey"] },
  "keys.dataKey": { fn: "api", kms: ["generateDataKey"] },
  "keys.decryptDataKey": { fn: "decrypt", kms: ["decryptDataKey"] },
  "crypto.encrypt": { fn: "api", kms: ["generateDataKey"] },
  "crypto.encryptBatch": { fn: "api", kms: ["generateDataKey"] },
  "crypto.decrypt": { fn: "decrypt", kms: ["decryptDataKey"] },
  "crypto.decryptBatch": { fn: "decrypt", kms: ["decryptDataKey"] },
  "crypto.rewrap": { fn: "decrypt", kms: ["reEncryptDataKey"] },
  // Sealed input (DESIGN §5): only the procedures that open it may Decrypt with the seal key. The
  // api function holds that too because request links are public pages served by it and land as
  // records (GenerateDataKey), as does the drop box; decrypt opens sealed input for openSealed.
  "keys.publicKey": { fn: "api", kms: ["getSealPublicKey"] },
  "crypto.openSealed": { fn: "decrypt", kms: ["getSealPublicKey", "decryptSealKey"] },
  "records.putSealed": { fn: "api", kms: ["getSealPublicKey", "decryptSealKey", "generateDataKey"] },
  "requests.create": { fn: "api", kms: [] },
  "requests.list": { fn: "api", kms: [] },
  "requests.get": { fn: "api", kms: [] },
  "requests.submit": { fn: "api", kms: ["getSealPublicKey", "decryptSealKey", "generateDataKey"] },
  "records.put": { fn: "api", kms: ["generateDataKey"] },
  "records.get": { fn: "decrypt", kms: ["decryptDataKey"] },
  "records.delete": { fn: "api", kms: [] },
  "records.list": { fn: "decrypt", kms: [] },
  "admin.tokens.create": { fn: "api", kms: [] },
  "admin.tokens.list": { fn: "api", kms: [] },
  "admin.tokens.revoke": { fn: "api", kms: [] },
  // Key lifecycle and audit sit with the other admin procedures. Disable, minimum versions and
  // campaigns are Coffer's own state (no KMS call); rotate asks KMS for a new key version.
  "admin.keys.list": { fn: "api", kms: [] },
  "admin.keys.rotate": { fn: "api", kms: ["rotateKey"] },
  "admin.keys.disable": { fn: "api", kms: [] },
  "admin.keys.enable": { fn: "api", kms: [] },
  "admin.keys.setMinDecryptionVersion": { fn: "api", kms: [] },
  "admin.keys.startRewrap": { fn: "api", kms: [] },
  "admin.keys.campaign": { fn: "api", kms: [] },
  "admin.audit.list": { fn: "api", kms: [] },
  "admin.audit.verify": { fn: "api", kms: [] },
  // On an instance's first rate-limited bin call, the rate limiter also makes (GenerateDataKey) or
  // adopts (Decrypt) its pepper under the bins key: the function serving these holds both, as
  // issueKey and create need them anyway. least-privilege.test checks that cold path too.
  "bins.issueKey": { fn: "api", kms: ["generateBinKey"] },
  "bins.create": { fn: "api", kms: ["decryptBinKey"] },
  "bins.get": { fn: "api", kms: [] },
  "bins.reveal": { fn: "api", kms: [] },
  "bins.release": { fn: "api", kms: [] },
  "bins.update": { fn: "api", kms: ["decryptBinKey"] },
  "bins.setExpiry": { fn: "api", kms: ["decryptBinKey"] },
  "bins.delete": { fn: "api", kms: ["decryptBinKey"] },
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
  },
} as const satisfies Record<
  string,
  Omit<FunctionRoute, "path"> & { schedule: string; kms: readonly KmsCapability[] }
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

/** The union of the KMS capabilities of every procedure that a function serves. */
export function kmsCapabilitiesOf(fn: FunctionName): KmsCapability[] {
  const routes = Object.values(procedureRoutes) as ProcedureRoute[];
  return [...new Set(routes.filter((route) => route.fn === fn).flatMap((route) => route.kms))].sort();
}
