// `npm run kms -- --port <port> [--state <file>] [--host <ip>]`: the emulator alone. It prints one
// line when ready and nothing else; Ctrl-C or SIGTERM closes it cleanly.
import { parseArgs } from "node:util";
import { startKmsEmulator } from "./emulator";

const usage = "Usage: npm run kms -- --port <port> [--state <file>] [--host <ip>]";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: "string" }, state: { type: "string" }, host: { type: "string" } },
    strict: true,
  });
  const port = Number(values.port ?? "0");
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0..65535. ${usage}`);

  const emulator = await startKmsEmulator({
    port,
    ...(values.host ? { host: values.host } : {}),
    ...(values.state ? { statePath: values.state } : {}),
  });
  process.stdout.write(
    `KMS emulator listening on ${emulator.url} (control routes: header X-Coffer-Control: ${emulator.controlSecret})\n`,
  );
  if (values.state)
    process.stderr.write(
      `KMS state, raw key material included, is kept in ${values.state}: keep it out of git.\n`,
    );

  let isClosing = false;
  const shutDown = () => {
    if (isClosing) return;
    isClosing = true;
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", shutDown);
  process.once("SIGTERM", shutDown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
