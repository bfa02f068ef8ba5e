import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { expect, test } from "vitest";
import { repoRoot } from "@coffer/testkit/repo-root";
import { appRouter } from "../app-router";
import { procedureRoutes } from "../routes";
import { matchRestPath, restEndpoints, type RestTable, restRoutes } from "../rest-routes";
import { createOpenApiDocument, openApiJson } from "./openapi";
import { servedOpenApiJson } from "./served-document";

const document = createOpenApiDocument();
type Operation = { "x-coffer-procedure"?: string; security?: unknown[]; "x-coffer-scopes"?: string[] };
const operations = Object.values(document.paths).flatMap((byMethod) =>
  Object.values(byMethod),
) as Operation[];

test("the document validates against the OpenAPI 3.1 schema", async () => {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(document));
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(validator.version).toBe("3.1");
  // …and the validator can say no: an operation whose response lacks its description.
  const broken = structuredClone(document) as {
    paths: Record<string, Record<string, { responses: object }>>;
  };
  broken.paths["/v1/health"]!.get!.responses = { "200": { content: {} } };
  expect((await new Validator().validate(broken)).valid).toBe(false);
});

test("docs/openapi.json is what the routers generate (run `npm run openapi` after changing a route or schema)", () => {
  expect(readFileSync(join(repoRoot, "docs/openapi.json"), "utf8")).toBe(openApiJson());
});

test("the api function serves the same document (run `npm run openapi`)", () => {
  expect(servedOpenApiJson()).toBe(openApiJson());
});

test("every procedure of the route table has an operation, or is tRPC-only with a reason", () => {
  const documented = operations.map((operation) => operation["x-coffer-procedure"]).filter(Boolean);
  const trpcOnly = document["x-coffer-trpc-only"];
  for (const [path, reason] of Object.entries(trpcOnly)) expect(reason.trim(), path).not.toBe("");
  expect([...documented, ...Object.keys(trpcOnly)].sort()).toEqual(Object.keys(procedureRoutes).sort());
  expect(new Set(documented).size).toBe(documented.length);
});

test("the compiler refuses a REST table without a row for each procedure (npm run typecheck)", () => {
  // @ts-expect-error: "crypto.encrypt" and the others have neither a route nor a tRPC-only reason.
  const incomplete: RestTable = { health: restRoutes.health };
  const complete: RestTable = { ...restRoutes, health: { trpcOnly: "a reason, for the test" } };
  expect([incomplete, complete]).toHaveLength(2);
});

test("scoped procedures ask for a bearer token; public ones for none", () => {
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { meta?: { scopes?: string[] } } }
  >;
  for (const operation of operations) {
    const path = operation["x-coffer-procedure"];
    if (!path) continue;
    const scopes = procedures[path]!._def.meta?.scopes;
    expect(operation["x-coffer-scopes"], path).toEqual(scopes);
    expect(operation.security, path).toEqual(scopes ? [{ bearer: [] }] : []);
  }
  expect(operations.filter((operation) => operation["x-coffer-scopes"]).length).toBeGreaterThan(5);
});

test("a REST route's path parameters are fields of its procedure's input", () => {
  const get = (document.paths["/v1/records/{recordId}"] as Record<string, { parameters: unknown[] }>).get!;
  expect(get.parameters).toEqual([
    expect.objectContaining({ name: "recordId", in: "path", required: true, schema: { type: "string" } }),
  ]);
  const reveal = (document.paths["/v1/bins/{binId}/reveal"] as Record<string, Record<string, unknown>>).post!;
  const body = reveal.requestBody as { content: { "application/json": { schema: Record<string, unknown> } } };
  expect(body.content["application/json"].schema).toMatchObject({
    required: ["linkProof", "readProof"],
    additionalProperties: false,
  });
  expect(Object.keys(body.content["application/json"].schema.properties as object)).toEqual([
    "linkProof",
    "readProof",
  ]);
});

test("no two REST routes answer the same request", () => {
  const endpoints = restEndpoints();
  const keys = endpoints.map((endpoint) => endpoint.routeKey);
  expect(new Set(keys).size).toBe(keys.length);
  // A path with its parameters filled in matches only its own route among those of its method
  // (a literal path would win over a parameter in API Gateway, but we keep them apart anyway).
  for (const endpoint of endpoints) {
    const sample = endpoint.path.replace(/\{\w+\}/g, "sample");
    const matches = endpoints.filter(
      (other) => other.method === endpoint.method && matchRestPath(other.path, sample) !== undefined,
    );
    expect(matches.map((other) => other.routeKey)).toEqual([endpoint.routeKey]);
  }
});

test("a REST route goes to the function of its procedure", () => {
  for (const endpoint of restEndpoints()) {
    if (endpoint.procedure) expect(endpoint.fn).toBe(procedureRoutes[endpoint.procedure].fn);
  }
  expect(Object.keys(restRoutes).sort()).toEqual(Object.keys(procedureRoutes).sort());
});
