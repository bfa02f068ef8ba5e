import { expect, test } from "vitest";
import { functionRoutes, functionUrl, proxyPathOf, routeKeyOf } from "./routes";

const api = functionRoutes.api;

test("a function's route key sends everything under its prefix to it", () => {
  expect(routeKeyOf(api)).toBe("ANY /api/{proxy+}");
});

test("the proxy path is the procedure path after the prefix, and nothing outside it", () => {
  expect(proxyPathOf(api, "/api/crypto.encrypt,crypto.decrypt")).toBe("crypto.encrypt,crypto.decrypt");
  expect(proxyPathOf(api, "/apix/health")).toBeUndefined();
  expect(proxyPathOf(api, "/api")).toBeUndefined();
  expect(proxyPathOf(api, "/decrypt/crypto.decrypt")).toBeUndefined();
});

test("the client's URL for a function is the API's base URL and the prefix", () => {
  expect(functionUrl("https://x.example/", api)).toBe("https://x.example/api");
  expect(functionUrl("http://127.0.0.1:3000", functionRoutes.decrypt)).toBe("http://127.0.0.1:3000/decrypt");
});
