import { join } from "node:path";
import { KMSClient } from "@aws-sdk/client-kms";
import { sdkTimeouts } from "@coffer/core/aws-client";
import { createDynamoClient, ensureTable } from "@coffer/core/db";
import { functionRoutes } from "@coffer/functions/routes";
import { type DynamoDbLocal, startDynamoDbLocal } from "../dynamodb";
import { type Gateway, type GatewayOptions, startGateway } from "../gateway";
import { type KmsEmulator, type KmsEmulatorOptions, provisionCatalogKeys, startKmsEmulator } from "../kms";
import { repoRoot } from "../repo-root";
import { type LocalS3, startLocalS3 } from "../s3";
import { LOCAL_CREDENTIALS, localAwsEnvironment, sstLinkEnvironment } from "./environment";
import { startMaintenanceTimer } from "./maintenance";

export interface LocalStackOptions {
  stage?: string;
  /** Keep keys and items here (e.g. ".coffer"); without it everything lives in memory. */
  stateDir?: string;
  /** Use this running DynamoDB Local (the test run's) instead of starting one. */
  dynamoEndpoint?: string;
  /** A DynamoDB Local already starting (`npm run local` starts it first): the stack owns and stops it. */
  dynamoDbLocal?: Promise<DynamoDbLocal>;
  tableName?: string;
  ports?: { kms?: number; dynamodb?: number; gateway?: number; s3?: number };
  onRequest?: GatewayOptions["onRequest"];
  /** More variables for the functions' environment (e.g. COFFER_TIME_BUDGET_MS). */
  environment?: Record<string, string>;
  /** Run the scheduled key maintenance every this many ms (0: never, the default in tests). */
  maintenanceIntervalMs?: number;
  /** How the KMS emulator makes RSA key pairs (tests reuse pairs: testkit's rsa-pairs.ts). */
  kmsRsaMaterial?: KmsEmulatorOptions["rsaMaterial"];
  /** More functions for the gateway to serve beside the route table's (the benchmark's echo). */
  extraFunctions?: GatewayOptions["functions"];
}

export interface LocalStack {
  stage: string;
  tableName: string;
  kms: KmsEmulator;
  dynamoEndpoint: string;
  /** Present when the stack started its own DynamoDB Local (not when given an endpoint). */
  dynamoDbLocal: DynamoDbLocal | undefined;
  /** The S3-compatible server with the bucket for large bin contents. */
  s3: LocalS3;
  gateway: Gateway;
  keyArns: Record<string, string>;
  /** The RSA seal key's ARN (sealed input). */
  sealArn: string;
  stop(): Promise<void>;
}

/**
 * The KMS emulator, DynamoDB Local with the table, an S3-compatible server with the bins bucket,
 * and the gateway serving the route table.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const stage = options.stage ?? "local";
  const tableName = options.tableName ?? `coffer-${stage}`;
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => {});
  };
  try {
    // The three servers are independent, so they start (and stop) at once: DynamoDB Local's JVM
    // boots for seconds in its own process (started first, so that it boots while this process
    // loads S3's modules), and the KMS emulator and the S3 server start meanwhile.
    const servers: (() => Promise<void>)[] = [];
    stoppers.push(async () => void (await Promise.all(servers.map((stopOne) => stopOne().catch(() => {})))));
    const dynamoStarting = options.dynamoEndpoint
      ? Promise.resolve(undefined)
      : (
          options.dynamoDbLocal ??
          startDynamoDbLocal({
            ...(options.ports?.dynamodb ? { port: options.ports.dynamodb } : {}),
            ...(options.stateDir ? { dbPath: join(options.stateDir, "ddb") } : {}),
          })
        ).then((dynamo) => (servers.push(() => dynamo.stop()), dynamo));
    const kmsStarting = startKmsEmulator({
      port: options.ports?.kms ?? 0,
      ...(options.stateDir ? { statePath: join(options.stateDir, "kms-state.json") } : {}),
      ...(options.kmsRsaMaterial ? { rsaMaterial: options.kmsRsaMaterial } : {}),
    }).then((kms) => (servers.push(() => kms.close()), kms));
    const s3Starting = startLocalS3({
      ...(options.ports?.s3 ? { port: options.ports.s3 } : {}),
      ...(options.stateDir ? { directory: join(options.stateDir, "s3") } : {}),
      bucket: `coffer-${stage}-bin-objects`,
      accessKeyId: LOCAL_CREDENTIALS.accessKeyId,
      secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey,
    }).then((s3) => (servers.push(() => s3.close()), s3));
    // Wait for every start to end before failing, so that whatever did start is in `servers`.
    await Promise.allSettled([dynamoStarting, kmsStarting, s3Starting]);
    const [dynamo, kms, s3] = await Promise.all([dynamoStarting, kmsStarting, s3Starting]);
    const dynamoEndpoint = options.dynamoEndpoint ?? dynamo!.endpoint;

    // The SDK clients below and the handlers read the same credentials and endpoints.
    const awsEnvironment = localAwsEnvironment({ kms: kms.url, dynamodb: dynamoEndpoint, s3: s3.url });
    Object.assign(process.env, awsEnvironment);

    // The table and the catalog's keys, at once. Setting up is not a Lambda request: a patient
    // budget, for DynamoDB Local on a busy machine.
    const makeTable = async () => {
      const dynamoClient = createDynamoClient({ endpoint: dynamoEndpoint, timeouts: sdkTimeouts(60_000) });
      await ensureTable(dynamoClient, tableName).finally(() => dynamoClient.destroy());
    };
    const provisionKeys = async () => {
      const kmsClient = new KMSClient({ endpoint: kms.url });
      return provisionCatalogKeys({ client: kmsClient, stage }).finally(() => kmsClient.destroy());
    };
    const [, provisioned] = await Promise.all([makeTable(), provisionKeys()]);
    const keyArns = Object.fromEntries(
      Object.entries(provisioned.keys).map(([name, key]) => [name, key.arn]),
    );

    const gateway = await startGateway({
      root: repoRoot,
      port: options.ports?.gateway ?? 0,
      environment: {
        ...awsEnvironment,
        ...sstLinkEnvironment({
          stage,
          tableName,
          bucketName: s3.bucket,
          keyArns,
          sealArn: provisioned.seal.arn,
        }),
        ...options.environment,
      },
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
      ...(options.extraFunctions ? { functions: { ...functionRoutes, ...options.extraFunctions } } : {}),
    });
    stoppers.push(() => gateway.close());

    if (options.maintenanceIntervalMs) {
      const maintenance = startMaintenanceTimer({
        root: repoRoot,
        intervalMs: options.maintenanceIntervalMs,
      });
      stoppers.push(() => maintenance.stop());
    }

    const sealArn = provisioned.seal.arn;
    return {
      stage,
      tableName,
      kms,
      dynamoEndpoint,
      dynamoDbLocal: dynamo,
      s3,
      gateway,
      keyArns,
      sealArn,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
