// `npm run local`: the whole stack on this machine, with its state kept under .coffer/.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDynamoDbLocal } from "./dynamodb";
import { repoRoot } from "./repo-root";
import { secureFile, secureStateDir } from "./state-dir";

// Node 20 here, Node 22 in Lambda: the SDK's "Node 20 support ends" notice is known and only noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const stateDir = process.env.COFFER_STATE_DIR ?? join(repoRoot, ".coffer");

async function main() {
  secureStateDir(stateDir);
  // DynamoDB Local's JVM takes the longest to boot, so it starts first, before this process loads
  // the stack, the functions and Vite (the heaviest module of all): those load while it boots.
  // The stack owns it from then on and stops it with the rest.
  const dynamoDbLocal = startDynamoDbLocal({
    port: port("COFFER_DYNAMODB_PORT", 8000),
    dbPath: join(stateDir, "ddb"),
  });
  dynamoDbLocal.catch(() => {}); // its failure is reported by the stack, which awaits it
  const webDevServer = import("./web-dev-server");
  webDevServer.catch(() => {}); // its failure is reported where it is awaited
  const { startLocalStack } = await import("./stack");
  const stack = await startLocalStack({
    stateDir,
    dynamoDbLocal,
    ports: {
      kms: port("COFFER_KMS_PORT", 4599),
      gateway: port("COFFER_GATEWAY_PORT", 3000),
      s3: port("COFFER_S3_PORT", 4569),
    },
    // The stand-in for the deployed schedule (every minute): rotation sync and campaign steps.
    maintenanceIntervalMs: Number(process.env.COFFER_MAINTENANCE_INTERVAL_MS ?? 5_000),
  });
  const [adminToken, web] = await Promise.all([
    ensureAdminToken(stack.dynamoEndpoint, stack.tableName),
    webDevServer.then(({ startWebDevServer }) =>
      startWebDevServer({
        apiUrl: stack.gateway.url,
        objectsUrl: stack.s3.url,
        port: port("COFFER_WEB_PORT", 5173),
      }),
    ),
  ]);

  console.log(
    [
      "Coffer is running locally (stage: local).",
      `  web:          ${web.url}`,
      `  api gateway:  ${stack.gateway.url}`,
      `  KMS emulator: ${stack.kms.url}   (control routes: header X-Coffer-Control: ${stack.kms.controlSecret})`,
      `  DynamoDB:     ${stack.dynamoEndpoint} (table ${stack.tableName})`,
      `  S3:           ${stack.s3.url} (bucket ${stack.s3.bucket})`,
      adminToken.created
        ? `Admin token (first start; also saved to ${adminToken.file}):\n  ${adminToken.token}`
        : `Admin token: in ${adminToken.file}`,
      `State lives in ${stateDir}: it holds raw key material, is git-ignored, and losing it loses every ciphertext made here.`,
      "Press Ctrl-C to stop.",
    ].join("\n"),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) process.exit(1); // a second Ctrl-C: stop waiting
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await web.close().catch(() => {});
    await stack.stop();
    console.log("Stopped.");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

/**
 * The first start makes an admin token and prints it; it is also kept in .coffer/ (beside the raw
 * key material, so no new exposure) because only its hash is in the table.
 */
async function ensureAdminToken(endpoint: string, table: string) {
  const [{ systemClock }, { connectDb }, { createFirstAdminToken, createTokenService }] = await Promise.all([
    import("@coffer/core/clock"),
    import("@coffer/core/db"),
    import("@coffer/core/tokens"),
  ]);
  const file = join(stateDir, "admin-token");
  const { db, dynamo } = connectDb({ endpoint, table });
  const tokens = createTokenService({ db, clock: systemClock });
  try {
    const created = await createFirstAdminToken(tokens);
    if (created) {
      writeFileSync(file, `${created.token}\n`, { mode: 0o600 });
      secureFile(file); // writeFileSync's mode applies only to a file it creates
      return { created: true as const, token: created.token, file };
    }
    secureFile(file);
    return { created: false, file };
  } finally {
    dynamo.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`Could not start the local stack: ${(error as Error).message}`);
  process.exit(1);
});
