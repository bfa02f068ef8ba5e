// The HTTP control surface for `npm run local` and for tools outside the test process: the same
// controls as the programmatic API, on /__coffer/* for requests without X-Amz-Target (a path the
// SDK never uses). It answers JSON, and never shows key material.
//
//   GET    /__coffer/state          keys, aliases, counters and faults
//   GET    /__coffer/counters       requests per operation;  DELETE resets them
//   GET    /__coffer/faults         active rules;  POST adds one (body: a FaultRule) -> { id }
//   DELETE /__coffer/faults         removes all;   DELETE /__coffer/faults/<id> removes one
//   POST   /__coffer/rotate         { "keyId": "<any id form>" }: an automatic rotation now
//   POST   /__coffer/clock          { "advanceMs": <ms> }: moves the emulator's clock forward
//   POST   /__coffer/reset          drops every key, alias, fault and count
//
// Only the emulator's owner may use them (issue 13): every control request must carry the per-run
// secret in `X-Coffer-Control` (printed by `npm run local` and `npm run kms`, on the handle for
// tests) and name the emulator itself in `Host`. A web page cannot send a custom header without a
// CORS preflight, which is refused here, and a DNS-rebinding page sends its own host name.
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { KmsError, kmsError } from "./errors";
import { checkFaultRule, type FaultRule } from "./fault-rule";
import { requiredString } from "./input";
import { parseBody, sendError, sendJson, toKmsError } from "./protocol";
import { CONTROL_PREFIX } from "./server";

export const CONTROL_SECRET_HEADER = "x-coffer-control";

export interface EmulatorControls {
  /** The per-run secret a control request must carry in X-Coffer-Control. */
  secret: string;
  /** The Host header values that name this emulator ("127.0.0.1:4599", "localhost:4599"). */
  ownHosts(): string[];
  state(): object;
  requestCounts(): Record<string, number>;
  resetCounts(): void;
  /**
   * `connection` is the socket the control request came on: a refuse rule drops every connection
   * but lets that one carry the answer before it closes.
   */
  addFault(rule: FaultRule, connection: Socket): string;
  faults: { add(rule: FaultRule): string; remove(id: string): void; clear(): void; list(): object[] };
  rotate(keyId: string): { keyId: string; keyMaterialId: string };
  advanceClock(ms: number): void;
  reset(): void;
}

export function createControlHandler(controls: EmulatorControls) {
  return (request: IncomingMessage, response: ServerResponse, bodyBytes: Buffer, requestId: string) => {
    const route = `${request.method} ${new URL(request.url ?? "/", "http://emulator").pathname.slice(CONTROL_PREFIX.length)}`;
    const body = () => parseBody(bodyBytes);
    const ok = (result: object = {}) => sendJson(response, 200, result, requestId);
    if (!isOwner(request, controls)) {
      return sendError(
        response,
        new KmsError(
          "AccessDeniedException",
          "Control routes need this run's X-Coffer-Control secret and the emulator's own Host.",
          403,
        ),
        requestId,
      );
    }
    try {
      const faultId = /^DELETE faults\/(.+)$/.exec(route)?.[1];
      if (faultId !== undefined) return ok(void controls.faults.remove(decodeURIComponent(faultId)));
      switch (route) {
        case "GET state":
          return ok(controls.state());
        case "GET counters":
          return ok(controls.requestCounts());
        case "DELETE counters":
          return ok(void controls.resetCounts());
        case "GET faults":
          return ok({ faults: controls.faults.list() });
        case "POST faults": {
          const rule = readFaultRule(body());
          response.setHeader("connection", "close"); // a refuse rule closes the port after this answer
          return ok({ id: controls.addFault(rule, request.socket) });
        }
        case "DELETE faults":
          return ok(void controls.faults.clear());
        case "POST rotate":
          return ok(controls.rotate(requiredString(body(), "keyId", { min: 1 })));
        case "POST clock":
          return ok(void controls.advanceClock(readNumber(body(), "advanceMs")));
        case "POST reset":
          return ok(void controls.reset());
        default:
          return sendError(
            response,
            new KmsError("NotFoundException", `No control route ${route}.`, 404),
            requestId,
          );
      }
    } catch (error) {
      sendError(response, toKmsError(error), requestId);
    }
  };
}

function isOwner(request: IncomingMessage, controls: EmulatorControls): boolean {
  const sent = request.headers[CONTROL_SECRET_HEADER];
  if (typeof sent !== "string") return false;
  const [given, expected] = [Buffer.from(sent), Buffer.from(controls.secret)];
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  return controls.ownHosts().includes((request.headers.host ?? "").toLowerCase());
}

// The rule check explains itself in a plain Error; over HTTP that is a ValidationException.
function readFaultRule(body: unknown): FaultRule {
  try {
    return checkFaultRule(body);
  } catch (error) {
    throw kmsError("ValidationException", (error as Error).message);
  }
}

function readNumber(body: Record<string, unknown>, field: string): number {
  const value = body[field];
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
    throw kmsError("ValidationException", `${field} must be a non-negative number.`);
  return value;
}
