// The baseline for the HTTP benchmark: a bare tRPC procedure that echoes its input, served by the
// same gateway through the same Lambda adapter, with the same kind of zod/mini input as
// crypto.encrypt. Everything crypto.encrypt costs beyond it is Coffer's own work. `cpu` lets the
// benchmark read the server process's CPU time around each measurement.
import { initTRPC } from "@trpc/server";
import { awsLambdaRequestHandler } from "@trpc/server/adapters/aws-lambda";
import * as z from "zod/mini";

const t = initTRPC.create();
const router = t.router({
  echo: t.procedure
    .input(z.object({ keyName: z.string(), plaintext: z.string() }))
    .mutation(({ input }) => ({ plaintext: input.plaintext })),
  cpu: t.procedure.query(() => process.cpuUsage()),
  // After a full collection (the soak starts the server with --expose-gc), so that growth means
  // memory still referenced, not garbage not yet collected.
  memory: t.procedure.query(() => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    return { ...process.memoryUsage(), collected: gc !== undefined };
  }),
});

export const handler = awsLambdaRequestHandler({ router });
