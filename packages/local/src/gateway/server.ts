import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { limits } from "@coffer/core/config";
import { withTimeout } from "@coffer/core/timeout";
import { matchRestPath, restEndpoints } from "@coffer/functions/rest-routes";
import {
  corsPolicy,
  type FunctionRoute,
  functionRoutes,
  handlerSource,
  proxyPathOf,
  routeKeyOf,
} from "@coffer/functions/routes";
import { lambdaContext, toApiGatewayEvent } from "./event";

type LambdaHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface GatewayOptions {
  /** The repository root; handler strings in the route table are relative to it. */
  root: string;
  /** Set on process.env before the first handler import, as Lambda sets a function's environment. */
  environment: Record<string, string>;
  port?: number;
  host?: string;
  functions?: Record<string, FunctionRoute>;
  /** Sees every request as the gateway received it (tests use it to prove what never reaches us). */
  onRequest?: (request: SeenRequest) => void;
}

export interface Gateway {
  url: string;
  close(): Promise<void>;
}

const LAMBDA_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

/**
 * Serves the route table from one process, imitating API Gateway v2: the unchanged Lambda handler
 * exports receive payload-2.0 events, and the gateway answers CORS preflights, 404s and 413s itself.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  Object.assign(process.env, options.environment);
  const routes = await loadHandlers(options.root, options.functions ?? functionRoutes);

  const server = createServer((request, response) => {
    serve(request, response, routes, options.onRequest).catch((error: unknown) => {
      console.error(
        JSON.stringify({ level: "error", msg: "gateway failure", error: (error as Error)?.name }),
      );
      if (!response.headersSent) send(response, 500, { message: "Internal Server Error" });
      else response.destroy();
    });
  });
  // The server never closes an idle keep-alive connection (close() drops them all). A server-side
  // idle timeout races a client that reuses the socket at that moment (ECONNRESET), and a client's
  // own idle timeout near it (undici keeps a socket for the server's hint less one second) leaves
  // no margin on a busy machine. Without the hint, fetch closes idle sockets after its own 4 s.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface LoadedRoute {
  name: string;
  route: FunctionRoute;
  handler: LambdaHandler;
}

async function loadHandlers(root: string, functions: Record<string, FunctionRoute>): Promise<LoadedRoute[]> {
  return Promise.all(
    Object.entries(functions).map(async ([name, route]) => {
      const { file, exportName } = handlerSource(route.handler);
      const module = (await import(pathToFileURL(join(root, file)).href)) as Record<string, unknown>;
      const handler = module[exportName];
      if (typeof handler !== "function")
        throw new Error(`${route.handler} does not export a handler function`);
      return { name, route, handler: handler as LambdaHandler };
    }),
  );
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  routes: LoadedRoute[],
  onRequest: GatewayOptions["onRequest"],
): Promise<void> {
  const url = new URL(request.url ?? "/", "http://gateway.local");
  setCorsHeaders(response);
  if (request.method === "OPTIONS") {
    response.writeHead(204).end();
    return;
  }
  const matched = matchRoute(routes, request.method ?? "GET", url.pathname);
  if (!matched) return send(response, 404, { message: "Not Found" });
  const { target, routeKey, pathParameters } = matched;

  const body = await readBody(request, limits.maxRequestBodyBytes);
  if (!body) return send(response, 413, { message: "Request Entity Too Large" });
  onRequest?.({
    method: request.method ?? "GET",
    url: request.url ?? "/",
    headers: request.headers,
    body: body.toString("utf8"),
  });

  const event = toApiGatewayEvent({
    request,
    url,
    body,
    routeKey,
    pathParameters,
    sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1",
  });
  const timeoutMs = target.route.timeoutSeconds * 1000;
  let result: APIGatewayProxyStructuredResultV2;
  try {
    result = await withTimeout(
      target.handler(event, lambdaContext(`coffer-local-${target.name}`, timeoutMs)),
      timeoutMs,
    );
  } catch (error) {
    // What API Gateway answers when the function fails or times out.
    console.error(
      JSON.stringify({
        level: "error",
        msg: "function failed",
        fn: target.name,
        error: (error as Error)?.name,
      }),
    );
    return send(response, 500, { message: "Internal Server Error" });
  }
  const payload = result.isBase64Encoded
    ? Buffer.from(result.body ?? "", "base64")
    : Buffer.from(result.body ?? "", "utf8");
  if (payload.length > LAMBDA_PAYLOAD_LIMIT_BYTES) {
    console.error(
      JSON.stringify({ level: "error", msg: "response over Lambda's 6 MB payload limit", fn: target.name }),
    );
    return send(response, 500, { message: "Internal Server Error" });
  }
  for (const [name, value] of Object.entries(result.headers ?? {})) response.setHeader(name, String(value));
  if (result.cookies?.length) response.setHeader("set-cookie", result.cookies);
  response.writeHead(result.statusCode ?? 200).end(payload);
}

/**
 * What API Gateway does: a REST route (`GET /v1/records/{recordId}`) when method and path match
 * one, literal paths before parameters, else the function whose prefix holds the path
 * (`ANY /api/{proxy+}`). REST routes go to the function the route table names for the procedure.
 */
function matchRoute(routes: LoadedRoute[], method: string, pathname: string) {
  const rest = restEndpoints()
    .filter((endpoint) => endpoint.method === method)
    .sort((a, b) => a.path.split("{").length - b.path.split("{").length);
  for (const endpoint of rest) {
    const pathParameters = matchRestPath(endpoint.path, pathname);
    const target = routes.find(({ name }) => name === endpoint.fn);
    if (pathParameters && target) return { target, routeKey: endpoint.routeKey, pathParameters };
  }
  for (const target of routes) {
    const proxy = proxyPathOf(target.route, pathname);
    if (proxy === undefined) continue;
    try {
      return {
        target,
        routeKey: routeKeyOf(target.route),
        pathParameters: { proxy: decodeURIComponent(proxy) },
      };
    } catch {
      return undefined; // a malformed %-escape
    }
  }
  return undefined;
}

function setCorsHeaders(response: ServerResponse): void {
  response.setHeader("access-control-allow-origin", corsPolicy.allowOrigins.join(","));
  response.setHeader("access-control-allow-methods", corsPolicy.allowMethods.join(","));
  response.setHeader("access-control-allow-headers", corsPolicy.allowHeaders.join(","));
  response.setHeader("access-control-max-age", String(corsPolicy.maxAgeSeconds));
}

/** Resolves to null once the body passes maxBytes, without buffering the rest. */
function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.removeAllListeners("data");
        request.resume();
        resolve(null);
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(size > maxBytes ? null : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
