import { randomBytes } from "node:crypto";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createCofferClient } from "@coffer/client";
import { createDynamoClient } from "@coffer/core/db";
import { startTestStack } from "@coffer/testkit/stack";
import { logFields, metricDefinitions } from "./telemetry/allow-list";

// Every secret that passes through the service, in every encoding a log line or an item could
// carry it, must appear in neither the logs nor the table.

let stack: Awaited<ReturnType<typeof startTestStack>>;
const logged: string[] = [];

beforeAll(async () => {
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation(
      (...args: unknown[]) => void logged.push(args.map(String).join(" ")),
    );
  }
  // Powertools writes through its own Console on the process's streams: metrics to stdout, warnings
  // and errors to stderr.
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, "write").mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
      logged.push(String(chunk));
      return write(chunk, ...rest);
    }) as never);
  }
  // The test stack turns metrics and refusal lines off to keep runs readable; here they are what
  // is checked.
  stack = await startTestStack({
    environment: { POWERTOOLS_METRICS_DISABLED: "false", POWERTOOLS_LOG_LEVEL: "INFO" },
  });
});
afterAll(() => stack.stop());

const encodings = (secret: Buffer) =>
  [secret.toString("base64url"), secret.toString("base64"), secret.toString("hex")].filter(
    (s) => s.length >= 8,
  );

test("no token, plaintext or data key reaches a log line or a stored item", async () => {
  const secrets: Buffer[] = [];
  const token = await stack.mintToken({
    name: "scan",
    scopes: ["datakey", "encrypt", "decrypt", "rewrap", "admin"],
  });
  secrets.push(Buffer.from(token), Buffer.from(token.slice("coffer_".length), "base64url").subarray(16));
  const client = createCofferClient({ url: stack.gateway.url, token });

  const plaintext = Buffer.concat([Buffer.from("TOP-SECRET-"), randomBytes(24)]);
  secrets.push(plaintext);
  const b64 = plaintext.toString("base64url");

  const { envelope } = await client.crypto.encrypt.mutate({
    keyName: "default",
    plaintext: b64,
    context: { scan: "1" },
  });
  await client.crypto.decrypt.mutate({ envelope, context: { scan: "1" } });
  const put = await client.records.put.mutate({ keyName: "default", plaintext: b64, idempotencyKey: "scan" });
  await client.records.get.query({ recordId: put.recordId });
  const dataKey = await client.keys.dataKey.mutate({ keyName: "default", context: { scan: "2" } });
  secrets.push(Buffer.from(dataKey.key!, "base64url"));
  await client.keys.decryptDataKey.mutate({
    keyName: "default",
    wrappedKey: dataKey.wrappedKey,
    context: { scan: "2" },
  });
  const admin = await client.admin.tokens.create.mutate({ name: "second", scopes: ["encrypt"] });
  secrets.push(Buffer.from(admin.token));

  // Refusals log too: make some, carrying secrets in their input.
  const refusals = [
    client.crypto.decrypt.mutate({ envelope, context: { scan: b64 } }),
    client.keys.decryptDataKey.mutate({
      keyName: "default",
      wrappedKey: dataKey.wrappedKey,
      context: { wrong: dataKey.key! },
    }),
    createCofferClient({ url: stack.gateway.url, token: `${token}x` }).crypto.encrypt.mutate({
      keyName: "default",
      plaintext: b64,
    }),
    client.crypto.encrypt.mutate({ keyName: "nope", plaintext: b64 }),
  ];
  for (const refusal of await Promise.allSettled(refusals)) {
    expect(refusal.status === "rejected" && refusal.reason instanceof TRPCClientError).toBe(true);
  }

  const dynamo = createDynamoClient({ endpoint: stack.dynamoEndpoint });
  const { Items = [] } = await dynamo.send(
    new ScanCommand({ TableName: stack.tableName, ConsistentRead: true }),
  );
  dynamo.destroy();
  const stored = JSON.stringify(Items, (_, v: unknown) =>
    v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v,
  );
  const storedBinary = Items.flatMap((item) =>
    Object.values(item).flatMap((attribute) => (attribute.B ? [Buffer.from(attribute.B)] : [])),
  );

  expect(logged.length).toBeGreaterThan(0);
  expect(Items.length).toBeGreaterThan(2);
  const logs = logged.join("\n");
  for (const secret of secrets) {
    for (const encoded of [secret.toString("latin1"), ...encodings(secret)]) {
      expect(logs.includes(encoded), "a secret in the logs").toBe(false);
      expect(stored.includes(encoded), "a secret in the table").toBe(false);
    }
    for (const binary of storedBinary)
      expect(binary.includes(secret), "a secret in a binary attribute").toBe(false);
  }
});

// Powertools' own keys on a log line; anything else must be on the allow-list.
const POWERTOOLS_LOG_KEYS = ["level", "message", "timestamp", "service", "sampling_rate", "xray_trace_id"];

test("telemetry: every log line and EMF blob holds only allow-listed fields, with the events we expect", () => {
  const lines = logged
    .join("\n")
    .split("\n")
    .flatMap((line) => {
      try {
        const parsed: unknown = JSON.parse(line);
        return typeof parsed === "object" && parsed !== null ? [parsed as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  const blobs = lines.filter((line) => "_aws" in line);
  const logLines = lines.filter((line) => typeof line.message === "string" && "level" in line);

  const metricsSeen = new Set<string>();
  for (const blob of blobs) {
    const [directive] = (
      blob._aws as {
        CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
      }
    ).CloudWatchMetrics;
    expect(directive!.Namespace).toBe("Coffer");
    for (const { Name } of directive!.Metrics) {
      const definition = metricDefinitions[Name as keyof typeof metricDefinitions];
      expect(definition, `metric ${Name} is on the allow-list`).toBeDefined();
      metricsSeen.add(Name);
      for (const dimensions of directive!.Dimensions)
        expect(dimensions.sort()).toEqual(["service", ...definition.dimensions].sort());
    }
    const allowedKeys = new Set([
      "_aws",
      "service",
      ...directive!.Metrics.map((m) => m.Name),
      ...directive!.Dimensions.flat(),
    ]);
    for (const key of Object.keys(blob)) expect(allowedKeys.has(key), `EMF key ${key}`).toBe(true);
  }
  for (const line of logLines)
    for (const key of Object.keys(line))
      expect([...POWERTOOLS_LOG_KEYS, ...logFields].includes(key), `log field ${key}`).toBe(true);

  // The run above made KMS calls, hit and missed the key caches, refused requests and timed procedures.
  expect([...metricsSeen].sort()).toEqual(
    expect.arrayContaining(["KeyCacheLookups", "KmsCalls", "KmsLatency", "ProcedureLatency", "Refusals"]),
  );
  expect(logLines.some((line) => line.message === "request refused" && typeof line.reason === "string")).toBe(
    true,
  );
});
