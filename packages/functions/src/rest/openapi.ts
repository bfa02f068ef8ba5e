import { gzipSync } from "node:zlib";
import type { AnyProcedure } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { type $ZodType, toJSONSchema } from "zod/v4/core";
import packageJson from "../../package.json" with { type: "json" };
import { appRouter } from "../app-router";
import { type ProcedurePath, procedureRoutes } from "../routes";
import { openApiRoute, pathParameterNames, type RestRoute, restRoutes, type TrpcOnly } from "../rest-routes";
import type { ProcedureMeta } from "../trpc";

// The OpenAPI 3.1 document, generated from the REST route table and the router: each operation's
// parameters and body are the procedure's own zod schema (zod/mini) turned into JSON Schema by
// zod's toJSONSchema, its security is the scope the procedure declares. Nothing is written by hand,
// so the document cannot drift from what the routes accept. docs/openapi.json is this document
// (`npm run openapi`); a test fails when it is stale.

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  [keyword: string]: unknown;
};

const ERROR_CODES = [
  "PARSE_ERROR",
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "PRECONDITION_FAILED",
  "PAYLOAD_TOO_LARGE",
  "TOO_MANY_REQUESTS",
  "INTERNAL_SERVER_ERROR",
  "SERVICE_UNAVAILABLE",
] as const satisfies readonly TRPC_ERROR_CODE_KEY[];

const errorSchema = {
  type: "object",
  required: ["code", "message"],
  properties: {
    code: {
      type: "string",
      enum: ERROR_CODES,
      description: "The tRPC error code; the HTTP status follows from it.",
    },
    reason: {
      type: "string",
      description: "The finer cause, stable and machine-readable (e.g. scope_missing, context_mismatch).",
    },
    message: { type: "string", description: "What went wrong and what to do; never echoes input." },
    issues: {
      type: "array",
      description: "For input errors: each field at fault, as a dotted path (items.0.plaintext).",
      items: {
        type: "object",
        required: ["path", "message"],
        properties: { path: { type: "string" }, message: { type: "string" } },
      },
    },
    details: { type: "object", description: "Facts a caller can act on, for some reasons." },
    requestId: { type: "string", description: "Quote it when reporting a problem." },
  },
};

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

const description = `Envelope encryption as a service. Every procedure of the typed tRPC API that a caller outside
TypeScript needs has a route here, with the same input schema, token scope and errors.

- Authenticate with \`Authorization: Bearer <token>\`; each route names the scope its token needs.
- Binary values (plaintexts, envelopes, keys) travel as base64url strings without padding.
- A success is \`200\` with the result as JSON. A failure has the HTTP status of its code and the
  body \`{ code, reason, message, issues, requestId }\`; \`issues[].path\` names the fields at fault.
- Limits are checked before any work: 4 MiB of plaintext per call, 100 items per batch, 256 KiB per
  record.`;

/** The document; built once per process (the api function serves it at GET /v1/openapi.json). */
export function openApiDocument() {
  return (built ??= createOpenApiDocument());
}
let built: ReturnType<typeof createOpenApiDocument> | undefined;

/** The committed form, docs/openapi.json. */
export function openApiJson(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

export function createOpenApiDocument() {
  const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
  const paths: Record<string, Record<string, unknown>> = {
    [openApiRoute.path]: {
      get: {
        operationId: "openapi",
        summary: "This document",
        tags: ["meta"],
        security: [],
        responses: {
          "200": { description: "The OpenAPI 3.1 document.", content: { "application/json": {} } },
        },
      },
    },
  };
  const trpcOnly: Record<string, string> = {};
  for (const [path, row] of Object.entries(restRoutes) as [ProcedurePath, RestRoute | TrpcOnly][]) {
    if ("trpcOnly" in row) trpcOnly[path] = row.trpcOnly;
    else (paths[row.path] ??= {})[row.method.toLowerCase()] = operation(path, row, procedures[path]!);
  }
  return {
    openapi: "3.1.1",
    info: { title: "Coffer API", version: packageJson.version, description },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A Coffer API token (coffer_…)." },
      },
      schemas: { Error: errorSchema },
      responses: {
        BadRequest: errorResponse("Invalid input (BAD_REQUEST, or PARSE_ERROR for a body that is not JSON)."),
        Unauthorized: errorResponse("Missing, unknown, revoked or expired token (UNAUTHORIZED)."),
        Forbidden: errorResponse("The token lacks the scope or the key, or a proof is wrong (FORBIDDEN)."),
        Error: errorResponse(
          "NOT_FOUND, CONFLICT, PRECONDITION_FAILED, TOO_MANY_REQUESTS, SERVICE_UNAVAILABLE, …: see `code` and `reason`.",
        ),
      },
    },
    "x-coffer-trpc-only": trpcOnly,
  };
}

function operation(path: ProcedurePath, row: RestRoute, procedure: AnyProcedure) {
  const { scopes } = (procedure._def.meta ?? {}) as ProcedureMeta;
  const scope = scopes?.map((one) => `\`${one}\``).join(" or ");
  const inputSchema = procedure._def.inputs[0] as $ZodType | undefined;
  const schema = inputSchema ? inputJsonSchema(inputSchema) : undefined;
  const inPath = pathParameterNames(row.path);
  const parameter = (name: string, where: "path" | "query") => ({
    name,
    in: where,
    required: where === "path" || (schema?.required ?? []).includes(name),
    schema: schema?.properties?.[name] ?? { type: "string" },
  });
  const others = Object.keys(schema?.properties ?? {}).filter((name) => !inPath.includes(name));
  const parameters = [
    ...inPath.map((name) => parameter(name, "path")),
    ...(row.method === "GET" ? others.map((name) => parameter(name, "query")) : []),
  ];
  const body =
    schema && row.method !== "GET" && others.length > 0
      ? {
          required: !acceptsUndefined(inputSchema!),
          content: { "application/json": { schema: withoutFields(schema, inPath) } },
        }
      : undefined;
  const fn = procedureRoutes[path].fn;
  return {
    operationId: path,
    summary: row.summary,
    description:
      (scope ? `Needs a token with the ${scope} scope. ` : "Needs no token. ") +
      `Served by the \`${fn}\` function as the tRPC procedure \`${path}\`.`,
    tags: [path.split(".")[0]!],
    security: scope ? [{ bearer: [] }] : [],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: {
      "200": {
        description: "The procedure's result.",
        content: { "application/json": { schema: { type: "object" } } },
      },
      ...(schema ? { "400": { $ref: "#/components/responses/BadRequest" } } : {}),
      ...(scope
        ? {
            "401": { $ref: "#/components/responses/Unauthorized" },
            "403": { $ref: "#/components/responses/Forbidden" },
          }
        : {}),
      default: { $ref: "#/components/responses/Error" },
    },
    "x-coffer-procedure": path,
    "x-coffer-function": fn,
    ...(scopes ? { "x-coffer-scopes": scopes } : {}),
  };
}

/** What a caller sends (io: "input"): a base64url field is the string, before its transform. */
function inputJsonSchema(schema: $ZodType): JsonSchema {
  const { $schema: _dialect, ...json } = toJSONSchema(schema, {
    io: "input",
    target: "draft-2020-12",
    unrepresentable: "any",
  }) as JsonSchema;
  return json;
}

function withoutFields(schema: JsonSchema, names: string[]): JsonSchema {
  if (names.length === 0) return schema;
  const properties = Object.fromEntries(
    Object.entries(schema.properties ?? {}).filter(([name]) => !names.includes(name)),
  );
  const { required: all = [], ...rest } = schema;
  const required = all.filter((name) => !names.includes(name));
  return { ...rest, properties, ...(required.length > 0 ? { required } : {}) };
}

function acceptsUndefined(schema: $ZodType): boolean {
  const result = schema["~standard"].validate(undefined);
  return !(result instanceof Promise) && result.issues === undefined;
}

/** The module the api function bundles (openapi-gzip.ts): the document, gzipped and base64. */
export function openApiGzipModule(): string {
  const gzipped = gzipSync(openApiJson(), { level: 9 }).toString("base64");
  return [
    "// Generated by `npm run openapi` from the routers; do not edit. See served-document.ts.",
    `export const openApiGzipBase64 =\n  "${gzipped}";`,
    "",
  ].join("\n");
}
