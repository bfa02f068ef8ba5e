import { TRPCError } from "@trpc/server";
import { pathParameterNames, type RestEndpoint } from "../rest-routes";

/** The parts of an HTTP request that become a procedure's input. */
export interface RestRequestParts {
  pathParameters: Record<string, string | undefined> | undefined;
  query: Record<string, string | undefined> | undefined;
  /** The body as text; empty or absent means no body. */
  body: string | undefined;
}

/**
 * The procedure's input, as the tRPC client would have sent it: the JSON body (or, for GET, the
 * query string), with the path's `{name}` parameters as fields. The procedure's own schema then
 * validates it, exactly as for a tRPC call.
 */
export function restInput(endpoint: RestEndpoint, schema: unknown, parts: RestRequestParts): unknown {
  const fromPath = Object.fromEntries(
    pathParameterNames(endpoint.path).map((name) => [name, parts.pathParameters?.[name] ?? ""]),
  );
  const rest = endpoint.method === "GET" ? queryInput(schema, parts.query) : bodyInput(parts.body);
  if (Object.keys(fromPath).length === 0) return rest;
  if (rest === undefined) return fromPath;
  if (!isPlainObject(rest)) return rest; // not an object: the schema refuses it with its own message
  for (const [name, value] of Object.entries(fromPath)) {
    if (name in rest && rest[name] !== value) {
      const message = `"${name}" is in the path; leave it out of the body or send the same value.`;
      throw new TRPCError({
        code: "BAD_REQUEST",
        message,
        cause: Object.assign(new Error(message), { issues: [{ path: [name], message }] }),
      });
    }
  }
  return { ...rest, ...fromPath };
}

function bodyInput(body: string | undefined): unknown {
  if (body === undefined || body.trim() === "") return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new TRPCError({ code: "PARSE_ERROR", message: "The body is not valid JSON. Send a JSON object." });
  }
}

/** Query values are strings; a field whose schema is a number or a boolean gets one, when it parses. */
function queryInput(schema: unknown, query: RestRequestParts["query"]): unknown {
  const entries = Object.entries(query ?? {}).filter(([, value]) => value !== undefined) as [
    string,
    string,
  ][];
  if (entries.length === 0) return undefined;
  return Object.fromEntries(
    entries.map(([name, value]) => {
      const kind = fieldKind(schema, name);
      if (kind === "number" && /^-?\d+(\.\d+)?$/.test(value)) return [name, Number(value)];
      if (kind === "boolean" && (value === "true" || value === "false")) return [name, value === "true"];
      return [name, value];
    }),
  );
}

interface SchemaDef {
  type?: string;
  innerType?: { _zod?: { def?: SchemaDef } };
  shape?: Record<string, { _zod?: { def?: SchemaDef } }>;
}

/** The base type of an object schema's field ("number", "string", …), through optional and default. */
function fieldKind(schema: unknown, field: string): string | undefined {
  const unwrap = (def: SchemaDef | undefined): SchemaDef | undefined =>
    def && ["optional", "default", "nullable", "prefault"].includes(def.type ?? "")
      ? unwrap(def.innerType?._zod?.def)
      : def;
  const object = unwrap((schema as { _zod?: { def?: SchemaDef } } | undefined)?._zod?.def);
  return unwrap(object?.shape?.[field]?._zod?.def)?.type;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
