// The wire protocol itself (raw requests, for what the SDK never sends), request ids, the HTTP
// control surface, and the emulator's silence.
import { request as httpRequest } from "node:http";
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  DisabledException,
  DisableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  KMSServiceException,
  NotFoundException,
} from "@aws-sdk/client-kms";
import { describe, expect, test, vi } from "vitest";
import { startKmsEmulator } from "../index";
import {
  createClient,
  createKey,
  failureOf,
  fakeAuthorization,
  rawRequest,
  useEmulator,
  utf8,
} from "./test-kit";

const kms = useEmulator();

async function expectKmsError(response: Response, type: string, status = 400) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/x-amz-json-1.1");
  expect(response.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
  expect(response.headers.get("x-amzn-errortype")).toBe(type);
  const body = (await response.json()) as { __type: string; message: string };
  expect(body.__type).toBe(type);
  expect(typeof body.message).toBe("string");
}

describe("request checks", () => {
  test("a missing Authorization header is MissingAuthenticationTokenException", async () => {
    const response = await fetch(`${kms.emulator.url}/`, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService.ListKeys" },
      body: "{}",
    });
    await expectKmsError(response, "MissingAuthenticationTokenException");
  });

  test.each([
    ["not SigV4", "Bearer token"],
    ["signed for another service", fakeAuthorization.replace("/kms/", "/s3/")],
    ["without a signature", fakeAuthorization.replace(/, Signature=.*$/, "")],
  ])("an Authorization header %s is IncompleteSignatureException", async (_, authorization) => {
    await expectKmsError(
      await rawRequest(kms.emulator.url, "TrentService.ListKeys", "{}", { authorization }),
      "IncompleteSignatureException",
    );
  });

  test.each([
    ["an unknown operation", "TrentService.MakeCoffee"],
    ["another service's target", "DynamoDB_20120810.ListTables"],
    ["an empty operation", "TrentService."],
    ["no target at all", undefined],
  ])("%s is UnknownOperationException", async (_, target) => {
    await expectKmsError(await rawRequest(kms.emulator.url, target, "{}"), "UnknownOperationException");
  });

  test("a wrong content type is UnknownOperationException; x-amz-json-1.0 is accepted", async () => {
    const wrong = await rawRequest(kms.emulator.url, "TrentService.ListKeys", "{}", {
      "content-type": "application/json",
    });
    await expectKmsError(wrong, "UnknownOperationException");
    const older = await rawRequest(kms.emulator.url, "TrentService.ListKeys", "{}", {
      "content-type": "application/x-amz-json-1.0; charset=utf-8",
    });
    expect(older.status).toBe(200);
  });

  test.each([
    ["a body that is not JSON", "{not json"],
    ["a JSON array", "[]"],
    ["a JSON string", '"KeyId"'],
    ["JSON null", "null"],
    ["a number where a string belongs", '{"KeyId": 5}'],
    ["an object where a string belongs", '{"KeyId": {}}'],
    ["a blob that is not base64", '{"KeyId": "alias/x", "Plaintext": "not base64!"}'],
    ["a fractional integer", '{"Limit": 1.5}'],
  ])("%s is SerializationException", async (_, body) => {
    const target = body.includes("Plaintext")
      ? "TrentService.Encrypt"
      : body.includes("Limit")
        ? "TrentService.ListKeys"
        : "TrentService.DescribeKey";
    await expectKmsError(await rawRequest(kms.emulator.url, target, body), "SerializationException");
  });

  test("an empty body counts as {}", async () => {
    expect((await rawRequest(kms.emulator.url, "TrentService.ListKeys", "")).status).toBe(200);
  });

  test("a GET is refused with a JSON error", async () => {
    const response = await fetch(`${kms.emulator.url}/`, {
      headers: { "x-amz-target": "TrentService.ListKeys" },
    });
    await expectKmsError(response, "UnknownOperationException");
  });

  test("a body over 1 MiB is refused with 413, in JSON", async () => {
    const response = await rawRequest(kms.emulator.url, "TrentService.ListKeys", "x".repeat(1024 * 1024 + 1));
    await expectKmsError(response, "RequestEntityTooLargeException", 413);
  });
});

describe("error classes", () => {
  test("modeled errors arrive as the SDK's own classes, unmodeled ones by name", async () => {
    const caught = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => error,
      );
    const key = await createKey(kms.client);
    await kms.client.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    const disabled = await caught(
      kms.client.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8("x") })),
    );
    expect(disabled).toBeInstanceOf(DisabledException);
    expect(disabled).toMatchObject({ $fault: "client", message: `${key.Arn} is disabled.` });
    expect(await caught(kms.client.send(new DescribeKeyCommand({ KeyId: "alias/none" })))).toBeInstanceOf(
      NotFoundException,
    );
    const validation = await caught(kms.client.send(new DescribeKeyCommand({ KeyId: "" })));
    expect(validation).toBeInstanceOf(KMSServiceException);
    expect(validation).toMatchObject({ name: "ValidationException", $fault: "client" });
  });
});

describe("request ids", () => {
  test("$metadata.requestId is set on success and on error, and differs per request", async () => {
    const one = await kms.client.send(new CreateKeyCommand({}));
    const two = await kms.client.send(new DescribeKeyCommand({ KeyId: one.KeyMetadata!.KeyId }));
    const failure = await failureOf(kms.client.send(new DescribeKeyCommand({ KeyId: "alias/missing" })));
    const ids = [one.$metadata.requestId, two.$metadata.requestId, failure.requestId];
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(3);
  });

  test("a success answers 200 with the JSON 1.1 content type and a Date header", async () => {
    const response = await rawRequest(kms.emulator.url, "TrentService.ListKeys", "{}");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(Math.abs(Date.parse(response.headers.get("date")!) - Date.now())).toBeLessThan(5_000);
  });
});

describe("control surface", () => {
  const control = (method: string, path: string, body?: object) =>
    fetch(`${kms.emulator.url}/__coffer/${path}`, {
      method,
      headers: {
        "x-coffer-control": kms.emulator.controlSecret,
        ...(body ? { "content-type": "application/json" } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  test("faults can be added, listed and removed over HTTP", async () => {
    const added = await control("POST", "faults", { kind: "throttle", operation: "GenerateDataKey" });
    expect(added.status).toBe(200);
    const { id } = (await added.json()) as { id: string };
    const key = await createKey(kms.client);
    expect(
      await failureOf(kms.client.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: "AES_256" }))),
    ).toMatchObject({ name: "ThrottlingException" });
    expect(((await (await control("GET", "faults")).json()) as { faults: unknown[] }).faults).toHaveLength(1);
    expect((await control("DELETE", `faults/${id}`)).status).toBe(200);
    await kms.client.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: "AES_256" }));
    await control("POST", "faults", { kind: "blackhole" });
    await control("DELETE", "faults");
    expect(kms.emulator.faults.list()).toEqual([]);
  });

  test("an invalid rule is a 400 ValidationException; an unknown route a 404", async () => {
    const invalid = await control("POST", "faults", { kind: "error", status: 500 });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      __type: "ValidationException",
      message: expect.stringMatching(/type/),
    });
    expect((await control("GET", "nothing-here")).status).toBe(404);
  });

  test("rotate, clock, counters and state work over HTTP and show no key material", async () => {
    const key = await createKey(kms.client);
    const rotated = await control("POST", "rotate", { keyId: key.Arn });
    expect(await rotated.json()).toMatchObject({
      keyId: key.Arn,
      keyMaterialId: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect((await control("POST", "clock", { advanceMs: 1000 })).status).toBe(200);
    expect((await control("POST", "rotate", { keyId: "alias/none" })).status).toBe(400);

    const state = (await (await control("GET", "state")).json()) as {
      keys: Array<{ keyId: string; versions: number }>;
    };
    expect(state.keys.find((entry) => entry.keyId === key.KeyId)?.versions).toBe(2);
    const material = kms.emulator.snapshot().keys.find((entry) => entry.id === key.KeyId)?.material;
    const secret = material?.kind === "symmetric" ? material.versions[0]!.aesKeyB64 : "";
    expect(secret).not.toBe("");
    expect(JSON.stringify(state)).not.toContain(secret);

    expect(await (await control("GET", "counters")).json()).toMatchObject({ CreateKey: expect.any(Number) });
    await control("DELETE", "counters");
    expect(kms.emulator.requestCounts()).toEqual({});
  });

  test("reset drops every key", async () => {
    const own = await startKmsEmulator();
    const client = createClient(own.url);
    await createKey(client);
    await fetch(`${own.url}/__coffer/reset`, {
      method: "POST",
      headers: { "x-coffer-control": own.controlSecret },
    });
    expect(own.snapshot().keys).toEqual([]);
    client.destroy();
    await own.close();
  });

  test("a web page's cross-origin reset, a wrong secret and a foreign Host are refused, and nothing is lost (issue 13)", async () => {
    const own = await startKmsEmulator();
    const client = createClient(own.url);
    await createKey(client);
    const { port } = new URL(own.url);
    const attempts: { headers: Record<string, string> }[] = [
      // What a page can send without a preflight: text/plain, no custom header.
      { headers: { "content-type": "text/plain", origin: "https://evil.example" } },
      { headers: { "x-coffer-control": "guess" } },
      { headers: { "x-coffer-control": own.controlSecret, host: `rebound.example:${port}` } },
    ];
    for (const { headers } of attempts) {
      const answer = await rawHttp(own.url, "/__coffer/reset", "POST", headers);
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toMatchObject({ __type: "AccessDeniedException" });
    }
    const preflight = await rawHttp(own.url, "/__coffer/reset", "OPTIONS", {
      origin: "https://evil.example",
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
    expect(own.snapshot().keys).toHaveLength(1);
    client.destroy();
    await own.close();
  });

  test("adding a refuse fault over HTTP answers, then refuses connections", async () => {
    const own = await startKmsEmulator();
    const added = await rawHttp(
      own.url,
      "/__coffer/faults",
      "POST",
      { "x-coffer-control": own.controlSecret },
      JSON.stringify({ kind: "unavailable", mode: "refuse" }),
    );
    expect(added.status).toBe(200);
    expect(JSON.parse(added.body)).toMatchObject({ id: expect.any(String) });
    const refused = await rawHttp(own.url, "/__coffer/state", "GET", {
      "x-coffer-control": own.controlSecret,
    }).catch((error: NodeJS.ErrnoException) => error.code);
    expect(refused).toBe("ECONNREFUSED");
    own.faults.clear();
    await own.close();
  });
});

describe("silence", () => {
  test("the emulator writes nothing to stdout, stderr or the console, whatever it is asked", async () => {
    const writes = [
      vi.spyOn(process.stdout, "write"),
      vi.spyOn(process.stderr, "write"),
      ...(["log", "info", "warn", "error", "debug"] as const).map((level) => vi.spyOn(console, level)),
    ];
    try {
      const key = await createKey(kms.client);
      const secret = "plaintext that must never be printed";
      const blob = await kms.client.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8(secret) }));
      await failureOf(kms.client.send(new EncryptCommand({ KeyId: "alias/none", Plaintext: utf8(secret) })));
      await rawRequest(
        kms.emulator.url,
        "TrentService.Decrypt",
        `{"CiphertextBlob": "${Buffer.from(blob.CiphertextBlob!).toString("base64")}"}`,
      );
      await rawRequest(kms.emulator.url, "TrentService.Decrypt", "{broken");
      for (const spy of writes) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of writes) spy.mockRestore();
    }
  });
});

/** A request with exactly these headers (fetch would not let a test set Host). */
function rawHttp(
  url: string,
  path: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ hostname, port, path, method, headers, agent: false }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, body: text, headers: response.headers }),
      );
    });
    request.on("error", reject);
    request.end(body);
  });
}
