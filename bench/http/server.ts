// Child process of the HTTP benchmark: the full local stack (KMS emulator, DynamoDB Local, the
// gateway with the unchanged handlers) plus the echo baseline, so that the load generator runs in
// another process and its own CPU time is not charged to the server. Prints one JSON line.
import { startLocalStack } from "@coffer/local/stack";
import { mintBenchToken } from "./token";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const stack = await startLocalStack({
  stage: "bench",
  extraFunctions: {
    bench: { path: "/bench", handler: "bench/http/echo-handler.handler", timeoutSeconds: 10, memoryMb: 1024 },
  },
});
const token = await mintBenchToken(stack);
process.stdout.write(`${JSON.stringify({ url: stack.gateway.url, token })}\n`);

const stop = () => void stack.stop().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();
