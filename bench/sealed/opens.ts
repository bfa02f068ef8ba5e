// How many sealed payloads the local stack opens per second: crypto.openSealed through the gateway,
// each one a nonce claim in DynamoDB Local and an RSA-3072 Decrypt in the KMS emulator. A brief
// figure for the README (KMS allows 1,000 RSA requests/s per account and region), not a target.
//   npx tsx bench/sealed/opens.ts [seconds]
import { systemClock } from "@coffer/core/clock";
import { connectDb } from "@coffer/core/db";
import { createTokenService } from "@coffer/core/tokens";
import { createCofferClient, seal } from "@coffer/client";
import { startLocalStack } from "@coffer/local/stack";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const seconds = Number(process.argv[2] ?? 10);
const concurrency = 8;

const stack = await startLocalStack({ stage: "bench" });
try {
  const { db, dynamo } = connectDb({ endpoint: stack.dynamoEndpoint, table: stack.tableName });
  const { token } = await createTokenService({ db, clock: systemClock }).create({
    name: "bench",
    scopes: ["decrypt"],
  });
  dynamo.destroy();
  const client = createCofferClient({ url: stack.gateway.url, token });
  const publicKey = await client.keys.publicKey.query();

  async function run(ms: number) {
    let opened = 0;
    const until = Date.now() + ms;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < until) {
          // Sealing happens in this process too; it is cheap next to opening (one RSA public op).
          await client.crypto.openSealed.mutate({ sealed: await seal(publicKey, "bench payload") });
          opened++;
        }
      }),
    );
    return opened;
  }
  await run(3_000); // warm-up
  const started = performance.now();
  const opened = await run(seconds * 1000);
  const perSecond = opened / ((performance.now() - started) / 1000);
  console.log(JSON.stringify({ opened, seconds, concurrency, opensPerSecond: Math.round(perSecond) }));
} finally {
  await stack.stop();
}
