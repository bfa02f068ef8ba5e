// `npm run local`: the whole stack on this machine, with its state kept under .coffer/.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { systemClock } from "@coffer/core/clock";
import { connectDb } from "@coffer/core/db";
import { createFirstAdminToken, createTokenService } from "@coffer/core/tokens";
import { repoRoot } from "./repo-root";
import { secureFile, secureStateDir } from "./state-dir";
import { startLocalStack } from "./stack";

// Node 20 here, Node 22 in Lambda: the SDK's "Node 20 support ends" notice is known and only noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const stateDir = process.env.COFFER_STATE_DIR ?? join(repoRoot, ".coffer");

async function main() {
  secureStateDir(stateDir);
  // Vite is the heaviest module of all (seconds to load on a busy machine): load it while the
  // stack starts rather than before anything starts.
  const webDevServer = import("./web-dev-server");
  webDevServer.catch(() => {}); // its failure is reported where it is awaited
  const stack = await startLocalStack({
    stateDir,
    ports: {
      kms: port("COFFER_KMS_PORT", 4599),
      dynamodb: port("COFFER_DYNAMODB_PORT", 8000),
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
