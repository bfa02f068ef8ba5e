import { TRPCClientError } from "@trpc/client";
import { expect, test } from "vitest";
import { TransferError } from "@coffer/client";
import { SealingError } from "@coffer/sealing/errors";
import { CliError, describeFailure, exitCodes } from "./exit-codes";

// The service's codes map onto the documented exit codes; the e2e test shows each class through the
// real binary, this one every code, including those a local stack cannot be made to answer.

const answered = (code: string, reason?: string) =>
  new TRPCClientError("What to do.", {
    result: { error: { message: "What to do.", code: -32000, data: { code, reason } } },
  } as never);

test.each([
  ["BAD_REQUEST", 2],
  ["PAYLOAD_TOO_LARGE", 2],
  ["UNAUTHORIZED", 3],
  ["FORBIDDEN", 3],
  ["NOT_FOUND", 4],
  ["CONFLICT", 5],
  ["PRECONDITION_FAILED", 5],
  ["TOO_MANY_REQUESTS", 6],
  ["SERVICE_UNAVAILABLE", 6],
  ["INTERNAL_SERVER_ERROR", 1],
])("%s exits %i, with the service's message, code and reason", (code, exitCode) => {
  const failure = describeFailure(answered(code, "some_reason"));
  expect(exitCodes[failure.exitClass]).toBe(exitCode);
  expect(failure).toMatchObject({ message: "What to do.", code, reason: "some_reason" });
});

test("no answer from the service is 'unavailable'; local failures keep their class; anything else is 1 without details", () => {
  expect(describeFailure(new TRPCClientError("fetch failed")).exitClass).toBe("unavailable");
  expect(describeFailure(new TransferError("upload failed")).exitClass).toBe("unavailable");
  expect(describeFailure(new SealingError("bin_content_unreadable", "damaged")).exitClass).toBe("refused");
  expect(describeFailure(new CliError("auth", "no token")).exitClass).toBe("auth");
  const unexpected = describeFailure(new Error("secret-looking internals"));
  expect(exitCodes[unexpected.exitClass]).toBe(1);
  expect(unexpected.message).not.toContain("secret-looking");
});
