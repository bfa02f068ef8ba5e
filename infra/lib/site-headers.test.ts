import { expect, test } from "vitest";
import { securityHeaders } from "@coffer/web/security-headers";
import { responseHeadersPolicy, viewerResponseInjection } from "./site-headers";

type Headers = Record<string, { value: string }>;

/** Runs the injected code the way the CloudFront function wraps it. */
function respond(code: string, contentType: string): Headers {
  const event = {
    response: { statusCode: 200, headers: { "content-type": { value: contentType } } as Headers },
  };
  new Function("event", code)(event);
  return event.response.headers;
}

const code = viewerResponseInjection(securityHeaders("https://api.example.com/"));

test("every response gets the strict policy, no referrer, and nosniff", () => {
  for (const type of ["text/html", "application/javascript", "text/css"]) {
    const headers = respond(code, type);
    expect(headers["referrer-policy"]?.value).toBe("no-referrer");
    expect(headers["x-content-type-options"]?.value).toBe("nosniff");
    const csp = headers["content-security-policy"]?.value ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' https://api.example.com;");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|ws:/);
  }
});

test("HTML (every bin page) is never cached; hashed assets keep their caching", () => {
  expect(respond(code, "text/html; charset=utf-8")["cache-control"]?.value).toBe("no-store");
  expect(respond(code, "application/javascript")["cache-control"]).toBeUndefined();
});

test("the response headers policy (every status) carries HSTS and the same policy as the function", () => {
  const headers = securityHeaders("https://api.example.com/", {
    objectsUrl: "https://b.s3.eu-west-1.amazonaws.com",
  });
  const { securityHeadersConfig: config } = responseHeadersPolicy(headers);
  expect(config.strictTransportSecurity).toEqual({
    accessControlMaxAgeSec: 63_072_000,
    includeSubdomains: true,
    preload: false,
    override: true,
  });
  expect(config.contentSecurityPolicy).toEqual({
    contentSecurityPolicy: headers["Content-Security-Policy"],
    override: true,
  });
  expect(config.contentSecurityPolicy.contentSecurityPolicy).toContain(
    "https://b.s3.eu-west-1.amazonaws.com",
  );
  expect(config.referrerPolicy).toEqual({ referrerPolicy: "no-referrer", override: true });
  expect(config.contentTypeOptions).toEqual({ override: true });
  expect(config.frameOptions).toEqual({ frameOption: "DENY", override: true });
  // Header names are matched case-insensitively, and a missing one is refused rather than skipped.
  expect(() => responseHeadersPolicy({ "Referrer-Policy": "no-referrer" })).toThrow(
    /content-security-policy/,
  );
});
