import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { createFunctionTelemetry } from "./powertools";

let written: string[];
beforeEach(() => {
  written = [];
  for (const stream of [process.stdout, process.stderr])
    vi.spyOn(stream, "write").mockImplementation(((chunk: string) => written.push(String(chunk))) as never);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});
const json = () =>
  written
    .flatMap((chunk) => chunk.trim().split("\n"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

test("counts are summed per invocation and each dimension set gets its own EMF blob", () => {
  const telemetry = createFunctionTelemetry({ serviceName: "coffer-api" });
  telemetry.core.kmsCall({ operation: "generateDataKey", outcome: "ok", durationMs: 12 });
  telemetry.core.kmsCall({ operation: "generateDataKey", outcome: "ok", durationMs: 30 });
  telemetry.core.kmsCall({ operation: "decrypt", outcome: "throttled", durationMs: 5 });
  telemetry.core.keyCache({ cache: "dataKey", outcome: "hit" });
  telemetry.procedure({ procedure: "crypto.encrypt", durationMs: 3.4 });
  expect(written).toEqual([]); // nothing before the flush
  telemetry.flush();
  const blobs = json();
  const find = (metric: string, dims: Record<string, string>) =>
    blobs.filter((b) => metric in b && Object.entries(dims).every(([k, v]) => b[k] === v));
  expect(find("KmsCalls", { operation: "generateDataKey", outcome: "ok" })[0]?.KmsCalls).toBe(2);
  expect(find("KmsLatency", { operation: "generateDataKey" })[0]?.KmsLatency).toEqual([12, 30]);
  expect(find("KmsThrottled", { service: "coffer-api" })).toHaveLength(1);
  expect(Object.keys(find("KmsThrottled", {})[0]!).sort()).toEqual(["KmsThrottled", "_aws", "service"]);
  expect(find("KeyCacheLookups", { cache: "dataKey", outcome: "hit" })[0]?.KeyCacheLookups).toBe(1);
  expect(find("ProcedureLatency", { procedure: "crypto.encrypt" })).toHaveLength(1);
  written.length = 0;
  telemetry.flush();
  expect(written).toEqual([]); // flushed once
});

test("values off the allow-list become 'other'; a stack keeps only its frames; unknown fields are dropped", () => {
  const secret = "coffer_c2VjcmV0LXRva2VuLXZhbHVl";
  const telemetry = createFunctionTelemetry({ serviceName: "coffer-api" });
  telemetry.procedure({ procedure: `crypto.${secret}`, durationMs: 1 });
  telemetry.refusal({
    requestId: `id ${secret}`,
    procedure: secret,
    code: secret,
    reason: secret,
    kind: "forbidden",
    ...({ plaintext: secret } as object),
  });
  telemetry.refusal({
    code: "INTERNAL_SERVER_ERROR",
    error: "TypeError",
    stack: `TypeError: cannot read ${secret}\n    at f (file.ts:1:2)\n    at g (file.ts:3:4)`,
  });
  telemetry.flush();
  const output = written.join("");
  expect(output).not.toContain("c2VjcmV0");
  const lines = json();
  const refused = lines.find((line) => line.message === "request refused")!;
  expect(refused).toMatchObject({
    level: "WARN",
    requestId: "other",
    procedure: "other",
    code: "other",
    reason: "other",
    kind: "forbidden",
  });
  expect(refused).not.toHaveProperty("plaintext");
  const failed = lines.find((line) => line.message === "request failed")!;
  expect(failed).toMatchObject({
    level: "ERROR",
    error: "TypeError",
    stack: "    at f (file.ts:1:2)\n    at g (file.ts:3:4)",
  });
  expect(lines.find((line) => "ProcedureLatency" in line)).toMatchObject({ procedure: "other" });
  expect(lines.filter((line) => "Refusals" in line).map((line) => line.reason)).toEqual(["other", "none"]);
});

test("refusals log at WARN by default; POWERTOOLS_LOG_LEVEL=ERROR (the test stacks') keeps only failures", () => {
  vi.stubEnv("POWERTOOLS_LOG_LEVEL", undefined);
  const deployed = createFunctionTelemetry({ serviceName: "coffer-api" });
  deployed.refusal({ code: "FORBIDDEN", kind: "forbidden", reason: "scope_missing" });
  expect(json().map((line) => [line.level, line.message])).toEqual([["WARN", "request refused"]]);

  written.length = 0;
  vi.stubEnv("POWERTOOLS_LOG_LEVEL", "ERROR");
  const quiet = createFunctionTelemetry({ serviceName: "coffer-api" });
  quiet.refusal({ code: "FORBIDDEN", kind: "forbidden", reason: "scope_missing" });
  quiet.refusal({ code: "INTERNAL_SERVER_ERROR", error: "TypeError" });
  expect(json().map((line) => [line.level, line.message])).toEqual([["ERROR", "request failed"]]);
});
