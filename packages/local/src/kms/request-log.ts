// Requests per operation, which makes "KMS calls per 1,000 encrypts" measurable, and the headers of
// the last request of each operation, so a test can see `amz-sdk-request: attempt=3; max=3`.
// Every request that names a known operation counts, retries and faulted ones included: each is a
// call that real KMS would bill and throttle.
import type { IncomingHttpHeaders } from "node:http";

export function createRequestLog() {
  const counts = new Map<string, number>();
  const lastHeaders = new Map<string, Record<string, string>>();

  return {
    record(operation: string, headers: IncomingHttpHeaders): void {
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
      const flat: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers))
        if (value !== undefined) flat[name] = [value].flat().join(", ");
      lastHeaders.set(operation, flat);
    },
    counts: (): Record<string, number> => Object.fromEntries(counts),
    lastHeaders: (operation: string) => lastHeaders.get(operation),
    reset(): void {
      counts.clear();
      lastHeaders.clear();
    },
  };
}

export type RequestLog = ReturnType<typeof createRequestLog>;
