// The REST routes: a conventional `METHOD /v1/...` route for each procedure of the route table, or
// the reason it is tRPC-only. Typed against the route table, so a new procedure does not compile
// until it has a row here. The REST route goes to the same Lambda function as its procedure (the
// route table decides), with the same schema, scope and errors; the OpenAPI document is generated
// from these rows and the router. Pure data, no server imports: infra and the local gateway read it.

import { type FunctionName, type ProcedurePath, procedureRoutes } from "./routes";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RestRoute {
  method: HttpMethod;
  /** API Gateway route syntax; each `{name}` is a field of the procedure's input. */
  path: `/v1/${string}`;
  /** One line for the OpenAPI document. */
  summary: string;
}

/** A procedure that only the typed tRPC client calls, and why. */
export interface TrpcOnly {
  trpcOnly: string;
}

/** One row per procedure of the route table: a new procedure does not compile without its row. */
export type RestTable = Record<ProcedurePath, RestRoute | TrpcOnly>;

export const restRoutes = {
  health: { method: "GET", path: "/v1/health", summary: "Liveness: up, or 503; never what is down" },
  "admin.health": {
    method: "GET",
    path: "/v1/admin/health",
    summary: "KMS and DynamoDB checked now, with latencies, stage and version; 503 naming what is down",
  },
  "keys.publicKey": {
    method: "GET",
    path: "/v1/keys/seal",
    summary: "The seal key's public half (SPKI DER and PEM), fingerprint and algorithm",
  },
  "keys.dataKey": { method: "POST", path: "/v1/data-keys", summary: "A new KMS data key under a named key" },
  "keys.decryptDataKey": {
    method: "POST",
    path: "/v1/data-keys/decrypt",
    summary: "Unwrap a data key (the context must match)",
  },
  "crypto.encrypt": { method: "POST", path: "/v1/encrypt", summary: "Envelope-encrypt a plaintext" },
  "crypto.encryptBatch": {
    method: "POST",
    path: "/v1/encrypt/batch",
    summary: "Encrypt up to 100 plaintexts, with per-item results",
  },
  "crypto.decrypt": { method: "POST", path: "/v1/decrypt", summary: "Open an envelope" },
  "crypto.decryptBatch": {
    method: "POST",
    path: "/v1/decrypt/batch",
    summary: "Open up to 100 envelopes, with per-item results",
  },
  "crypto.issueEnvelopeKey": {
    method: "POST",
    path: "/v1/envelope-keys",
    summary: "Local mode: a data key to make envelopes with in the caller's process",
  },
  "crypto.openEnvelopeKey": {
    method: "POST",
    path: "/v1/envelope-keys/open",
    summary: "Local mode: an envelope's data key, after the key's lifecycle checks",
  },
  "crypto.openSealed": {
    method: "POST",
    path: "/v1/sealed/open",
    summary: "Open a payload sealed to the seal key (docs/sealed.md)",
  },
  "crypto.rewrap": {
    method: "POST",
    path: "/v1/rewrap",
    summary: "Move an envelope's data key to the key's current version",
  },
  "records.put": {
    method: "PUT",
    path: "/v1/records",
    summary: "Encrypt and store a record; returns its id",
  },
  "records.putSealed": {
    method: "PUT",
    path: "/v1/records/sealed",
    summary: "Store a sealed payload as a record, re-encrypted under a named key (a drop box)",
  },
  "records.get": { method: "GET", path: "/v1/records/{recordId}", summary: "Read and decrypt a record" },
  "records.delete": { method: "DELETE", path: "/v1/records/{recordId}", summary: "Delete a record" },
  "records.list": {
    method: "GET",
    path: "/v1/records",
    summary: "List the records of the token's namespace, newest first",
  },
  "admin.tokens.create": {
    method: "POST",
    path: "/v1/admin/tokens",
    summary: "Create an API token (its secret is shown once)",
  },
  "admin.tokens.list": {
    method: "GET",
    path: "/v1/admin/tokens",
    summary: "List API tokens, a page at a time",
  },
  "admin.tokens.revoke": {
    method: "DELETE",
    path: "/v1/admin/tokens/{tokenId}",
    summary: "Revoke an API token",
  },
  "bins.issueKey": { method: "POST", path: "/v1/bins", summary: "A new bin id and its KMS data key" },
  "bins.create": { method: "POST", path: "/v1/bins/{binId}", summary: "Store a bin sealed by the caller" },
  "bins.get": { method: "GET", path: "/v1/bins/{binId}", summary: "A bin's metadata (never burns a read)" },
  "bins.reveal": {
    method: "POST",
    path: "/v1/bins/{binId}/reveal",
    summary: "Read a bin's ciphertext with the read proof (counts a read)",
  },
  "bins.update": {
    method: "PUT",
    path: "/v1/bins/{binId}",
    summary: "Replace a bin's content (the wrapped key proves ownership)",
  },
  "bins.setExpiry": {
    method: "POST",
    path: "/v1/bins/{binId}/expiry",
    summary: "Bring a bin's expiry forward (the wrapped key proves ownership)",
  },
  "bins.release": {
    method: "POST",
    path: "/v1/bins/{binId}/release",
    summary: "After the last read of a large bin, delete its stored object (the link proof)",
  },
  "bins.delete": {
    method: "DELETE",
    path: "/v1/bins/{binId}",
    summary: "Delete a bin (the wrapped key proves ownership)",
  },
  "requests.create": {
    method: "POST",
    path: "/v1/requests",
    summary: "Create a request link (its secret is shown once)",
  },
  "requests.list": {
    method: "GET",
    path: "/v1/requests",
    summary: "List your request links and their records",
  },
  "requests.get": {
    method: "POST",
    path: "/v1/requests/{requestId}/info",
    summary: "What a request link asks for (the link secret in the body, never in the URL)",
  },
  "requests.submit": {
    method: "POST",
    path: "/v1/requests/{requestId}/submit",
    summary: "Submit a sealed payload through a request link",
  },
  "admin.keys.list": {
    method: "GET",
    path: "/v1/admin/keys",
    summary: "The catalog keys: state, versions, usage",
  },
  "admin.keys.rotate": {
    method: "POST",
    path: "/v1/admin/keys/{keyName}/rotate",
    summary: "Rotate a key in KMS; new envelopes use the new version",
  },
  "admin.keys.disable": {
    method: "POST",
    path: "/v1/admin/keys/{keyName}/disable",
    summary: "Refuse every use of a key until it is enabled",
  },
  "admin.keys.enable": {
    method: "POST",
    path: "/v1/admin/keys/{keyName}/enable",
    summary: "Enable a disabled key",
  },
  "admin.keys.setMinDecryptionVersion": {
    method: "PUT",
    path: "/v1/admin/keys/{keyName}/min-decryption-version",
    summary: "Retire the versions below this one",
  },
  "admin.keys.startRewrap": {
    method: "POST",
    path: "/v1/admin/keys/{keyName}/rewrap",
    summary: "Start a rewrap campaign to the key's current version",
  },
  "admin.keys.countRecordsBelowVersion": {
    method: "GET",
    path: "/v1/admin/keys/{keyName}/records-below",
    summary: "Count a key's stored records below a version, a page of the table at a time",
  },
  "admin.keys.campaign": {
    method: "GET",
    path: "/v1/admin/campaigns/{campaignId}",
    summary: "A rewrap campaign's progress",
  },
  "admin.keys.usage": {
    method: "GET",
    path: "/v1/admin/keys/{keyName}/usage",
    summary: "A key's usage per UTC day and version (?days=1..90, default 14)",
  },
  "admin.refusals.list": {
    method: "GET",
    path: "/v1/admin/refusals",
    summary: "Refused requests and bin burns: counts per namespace and reason, and a sampled log",
  },
  "admin.audit.list": {
    method: "GET",
    path: "/v1/admin/audit",
    summary: "Audit events of a chain, a page at a time",
  },
  "admin.audit.verify": {
    method: "GET",
    path: "/v1/admin/audit/verify",
    summary: "Walk a chain and report the first broken link",
  },
} as const satisfies RestTable;

/** The document itself, served by the api function. */
export const openApiRoute = { method: "GET", path: "/v1/openapi.json" } as const satisfies Omit<
  RestRoute,
  "summary"
>;

export interface RestEndpoint {
  /** The API Gateway v2 route key, e.g. "GET /v1/records/{recordId}"; the handler dispatches on it. */
  routeKey: string;
  method: HttpMethod;
  path: string;
  fn: FunctionName;
  /** Absent for the OpenAPI document. */
  procedure?: ProcedurePath;
}

export function restRouteKeyOf(route: { method: HttpMethod; path: string }): string {
  return `${route.method} ${route.path}`;
}

/** Every REST route key with the function that serves it: what infra and the local gateway route. */
export function restEndpoints(): RestEndpoint[] {
  const endpoints: RestEndpoint[] = [
    { routeKey: restRouteKeyOf(openApiRoute), ...openApiRoute, fn: procedureRoutes.health.fn },
  ];
  for (const [procedure, row] of Object.entries(restRoutes) as [ProcedurePath, RestRoute | TrpcOnly][]) {
    if ("trpcOnly" in row) continue;
    const { method, path } = row;
    endpoints.push({
      routeKey: restRouteKeyOf(row),
      method,
      path,
      fn: procedureRoutes[procedure].fn,
      procedure,
    });
  }
  return endpoints;
}

/** The `{name}` parameters of a route path, in order. */
export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z]\w*)\}/g)].map((match) => match[1]!);
}

/**
 * What API Gateway does with a route path: the parameters captured from `pathname`, or undefined
 * when it does not match. A parameter is one non-empty segment, URL-decoded.
 */
export function matchRestPath(path: string, pathname: string): Record<string, string> | undefined {
  const pattern = path
    .split(/(\{[A-Za-z]\w*\})/)
    .map((part) => (part.startsWith("{") ? "([^/]+)" : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
    .join("");
  const match = new RegExp(`^${pattern}$`).exec(pathname);
  if (!match) return undefined;
  const names = pathParameterNames(path);
  try {
    return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1]!)]));
  } catch {
    return undefined; // a malformed %-escape matches nothing, as in API Gateway
  }
}
