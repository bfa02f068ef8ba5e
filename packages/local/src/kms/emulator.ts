// startKmsEmulator: builds the state, the fault rules, the counters and the HTTP server, and hands
// back the handle that tests, benchmarks and `npm run local` use.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { Socket } from "node:net";
import { createControlHandler, type EmulatorControls } from "./control";
import { createFaults } from "./faults";
import type { FaultRule } from "./fault-rule";
import { createKeyStore } from "./key-store";
import { listen } from "./listener";
import { keyMaterialId } from "./material";
import { rotateKey, runDueRotations } from "./operations";
import { fromSnapshot, type KmsSnapshot, readStateFile, toSnapshot, writeSnapshotFile } from "./persistence";
import { generateRsaMaterial } from "./material";
import type { RsaKeySpec, RsaMaterial } from "./model";
import { createRandomSource } from "./random";
import { createRequestLog } from "./request-log";
import { createRequestHandler } from "./server";
import { describeState } from "./state-view";

export interface KmsEmulatorOptions {
  /** 0 (the default) lets the OS pick a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Persist here, atomically after every change. Absent: in memory, and no file is ever written. */
  statePath?: string;
  /** Default us-east-1; ARNs use it. */
  region?: string;
  /** Default 111122223333; ARNs use it. */
  accountId?: string;
  /** Epoch milliseconds. Default Date.now. `advanceClock` moves the emulator's time on top of it. */
  clock?: { now(): number };
  /** Makes key ids, key material and IVs deterministic (not RSA key pairs). Tests only. */
  seed?: string;
  /** The X-Coffer-Control secret of the control routes; default: 32 random bytes, new every run. */
  controlSecret?: string;
  /**
   * Makes the key pair of an RSA CreateKey; default: a new one each time. Tests may reuse pairs:
   * a 3072-bit pair costs about half a second of CPU, and every test file makes the seal key.
   */
  rsaMaterial?: (spec: RsaKeySpec) => Promise<RsaMaterial>;
}

export interface KmsEmulator {
  /** http://127.0.0.1:<port>, for `new KMSClient({ endpoint })`. */
  url: string;
  port: number;
  /** What /__coffer/* requests must send in X-Coffer-Control. */
  controlSecret: string;
  close(): Promise<void>;
  /** Requests per operation since start or resetCounts(), e.g. { GenerateDataKey: 3 }. */
  requestCounts(): Record<string, number>;
  resetCounts(): void;
  /** Headers of the last request of an operation, e.g. to read `amz-sdk-request: attempt=3; max=3`. */
  lastRequestHeaders(operation: string): Record<string, string> | undefined;
  faults: {
    add(rule: FaultRule): string;
    remove(id: string): void;
    clear(): void;
    list(): Array<{ id: string; rule: FaultRule; remaining?: number }>;
  };
  /** An "automatic" rotation now, for a key named in any id form. */
  rotate(keyId: string): void;
  /** Moves the clock forward: due deletions happen and due automatic rotations run. */
  advanceClock(ms: number): void;
  /** Drops every key, alias, fault rule and count, and undoes advanceClock. */
  reset(): void;
  /** The whole state, key material included (what the state file holds). */
  snapshot(): KmsSnapshot;
  restore(snapshot: KmsSnapshot): void;
}

export async function startKmsEmulator(options: KmsEmulatorOptions = {}): Promise<KmsEmulator> {
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? "111122223333";
  const { statePath } = options;
  const baseClock = options.clock ?? { now: () => Date.now() };
  let clockOffsetMs = 0;
  const now = () => baseClock.now() + clockOffsetMs;
  const random = createRandomSource(options.seed);
  const store = createKeyStore({ region, accountId, now });
  const requestLog = createRequestLog();
  const closing = new AbortController();

  const saved = statePath === undefined ? undefined : readStateFile(statePath, { region, accountId });
  if (saved) store.replaceState(saved);
  store.takeChanges();
  const snapshot = () => toSnapshot(store.exportState(), region, accountId);
  const persist = () => {
    if (store.takeChanges() && statePath !== undefined) writeSnapshotFile(statePath, snapshot());
  };

  let listener: Awaited<ReturnType<typeof listen>> | undefined;
  let answering: Socket | undefined; // the control request adding a rule, spared by a pause
  const faults = createFaults({
    random,
    now,
    resolveKeyId: store.findKeyId,
    onRefusingChange: (isRefusing) => (isRefusing ? listener?.pause(answering) : listener?.resume()),
  });
  const controlSecret = options.controlSecret ?? randomBytes(32).toString("base64url");

  const controls: EmulatorControls = {
    secret: controlSecret,
    ownHosts: () =>
      listener ? [`127.0.0.1:${listener.port}`, `localhost:${listener.port}`, `[::1]:${listener.port}`] : [],
    addFault(rule, connection) {
      answering = connection;
      try {
        return faults.add(rule);
      } finally {
        answering = undefined;
      }
    },
    state: () => describeState(store, requestLog.counts(), faults.list()),
    requestCounts: requestLog.counts,
    resetCounts: requestLog.reset,
    faults,
    rotate(keyId) {
      store.sweepDeletedKeys();
      const key = store.resolveKey(keyId);
      const { version } = rotateKey(store, random, key, now(), "AUTOMATIC");
      persist();
      return { keyId: store.keyArn(key.id), keyMaterialId: keyMaterialId(key.id, version) };
    },
    advanceClock(ms) {
      clockOffsetMs += ms;
      store.sweepDeletedKeys();
      runDueRotations(store, random, now());
      persist();
    },
    reset() {
      store.replaceState({ keys: [], aliases: [], deletedKeyIds: [] });
      faults.clear();
      requestLog.reset();
      clockOffsetMs = 0;
      persist();
    },
  };

  const http = createServer(
    createRequestHandler({
      context: { store, random, now, rsaMaterial: options.rsaMaterial ?? generateRsaMaterial },
      faults,
      requestLog,
      persist,
      control: createControlHandler(controls),
      signal: closing.signal,
    }),
  );
  // Node closes a keep-alive connection after 5 idle seconds by default, while the SDK's agent keeps
  // idle sockets without limit: a request sent on a socket the server is closing at that moment gets
  // ECONNRESET (seen on busy machines, where a client idles past 5 s). So the emulator never closes
  // an idle connection itself: the client does (client.destroy()), or close() and refuse faults,
  // which drop every connection.
  http.keepAliveTimeout = 0;
  listener = await listen(http, { host: options.host ?? "127.0.0.1", port: options.port ?? 0 });
  const { port } = listener;
  const hostInUrl = listener.address.includes(":") ? `[${listener.address}]` : listener.address;

  return {
    url: `http://${hostInUrl}:${port}`,
    port,
    controlSecret,
    async close() {
      closing.abort();
      const open = listener;
      listener = undefined; // so that clearing a refuse rule does not reopen the port
      faults.clear();
      await open?.close();
      http.close();
    },
    requestCounts: requestLog.counts,
    resetCounts: requestLog.reset,
    lastRequestHeaders: requestLog.lastHeaders,
    faults,
    rotate: (keyId) => void controls.rotate(keyId),
    advanceClock: controls.advanceClock,
    reset: controls.reset,
    snapshot,
    restore(saved) {
      store.replaceState(fromSnapshot(saved));
      persist();
    },
  };
}
