import { createServer, request as httpRequest, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tableShape } from "@coffer/core/config";

// A recording proxy in front of DynamoDB Local: what IAM would see of each request (the action,
// the table or index, the partition key values), so that tests can check every request against the
// statements infra derives. It can also stall: accept requests and never answer, like a hung
// DynamoDB, to test the time budgets.

export interface DynamoRequest {
  /** The IAM action, e.g. "dynamodb:GetItem"; a transaction is split into its items' actions. */
  action: string;
  table: string | undefined;
  /** Set when the request reads an index (Query or Scan with IndexName). */
  index: string | undefined;
  /** The partition key values it touches (dynamodb:LeadingKeys); empty for table-level calls. */
  leadingKeys: string[];
}

export interface DynamoProxy {
  url: string;
  requests: DynamoRequest[];
  /** While stalled, requests are accepted and never answered. */
  stall(isStalled: boolean): void;
  close(): Promise<void>;
}

type AttributeValue = { S?: string };
type Body = Record<string, unknown>;

const TRANSACT_ACTIONS: Record<string, string> = {
  Put: "PutItem",
  Update: "UpdateItem",
  Delete: "DeleteItem",
  ConditionCheck: "ConditionCheckItem",
  Get: "GetItem",
};

/** The partition key attribute that a request on this index (or the table) is evaluated on. */
function partitionKeyOf(index: string | undefined): string {
  if (!index) return tableShape.partitionKey;
  const shape = (tableShape.globalIndexes as Record<string, { partitionKey: string }>)[index];
  return shape?.partitionKey ?? tableShape.partitionKey;
}

function keyValue(item: unknown, attribute: string): string[] {
  const value = (item as Record<string, AttributeValue> | undefined)?.[attribute]?.S;
  return value === undefined ? [] : [value];
}

/** The value a Query's key condition gives the partition key ("#pk = :pk"). */
function queriedPartitionKey(body: Body, attribute: string): string[] {
  const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (body.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
  const condition = String(body.KeyConditionExpression ?? "");
  for (const match of condition.matchAll(/(#?[\w]+)\s*=\s*(:[\w]+)/g)) {
    const name = match[1]!.startsWith("#") ? names[match[1]!] : match[1];
    if (name === attribute) return values[match[2]!]?.S === undefined ? [] : [values[match[2]!]!.S!];
  }
  return [];
}

export function describeRequest(operation: string, body: Body): DynamoRequest[] {
  const single = (action: string, source: Body): DynamoRequest => {
    const index = source.IndexName as string | undefined;
    const attribute = partitionKeyOf(index);
    const leadingKeys =
      action === "Query"
        ? queriedPartitionKey(source, attribute)
        : [...keyValue(source.Key, attribute), ...keyValue(source.Item, attribute)];
    return {
      action: `dynamodb:${action}`,
      table: source.TableName as string | undefined,
      index,
      leadingKeys,
    };
  };
  if (operation === "TransactWriteItems" || operation === "TransactGetItems") {
    // IAM authorises a transaction item by item, as the single-item action it performs.
    return ((body.TransactItems ?? []) as Record<string, Body>[]).flatMap((item) =>
      Object.entries(item).map(([kind, source]) => single(TRANSACT_ACTIONS[kind] ?? kind, source)),
    );
  }
  return [single(operation, body)];
}

export async function startDynamoProxy(target: string): Promise<DynamoProxy> {
  const requests: DynamoRequest[] = [];
  let isStalled = false;
  const held = new Set<IncomingMessage>();
  const sockets = new Set<Socket>();
  const targetUrl = new URL(target);

  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const body = Buffer.concat(chunks);
      if (isStalled) {
        held.add(incoming);
        return;
      }
      const operation = String(incoming.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
      try {
        requests.push(...describeRequest(operation, JSON.parse(body.toString("utf8") || "{}") as Body));
      } catch {
        requests.push({
          action: `dynamodb:${operation}`,
          table: undefined,
          index: undefined,
          leadingKeys: [],
        });
      }
      const forwarded = httpRequest(
        {
          host: targetUrl.hostname,
          port: targetUrl.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on("error", () => outgoing.destroy());
      forwarded.end(body);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stall(value) {
      isStalled = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        held.clear();
        server.close(() => resolve());
      }),
  };
}
