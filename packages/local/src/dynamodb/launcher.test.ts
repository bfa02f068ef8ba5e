import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { expect, inject, test } from "vitest";

test("the run's DynamoDB Local answers on loopback", async () => {
  const client = new DynamoDBClient({
    endpoint: inject("dynamoEndpoint"),
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const out = await client.send(new ListTablesCommand({}));
  expect(Array.isArray(out.TableNames)).toBe(true);
  client.destroy();
});

test("DynamoDB Local cannot be reached from another interface (issue 13, finding 6)", async () => {
  const port = Number(new URL(inject("dynamoEndpoint")).port);
  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === "IPv4" && !address.internal);
  // On loopback it answers (above); on this machine's own network address it must refuse.
  if (!external) return void console.warn("no non-loopback IPv4 address here: nothing to check");
  const outcome = await new Promise<string>((resolve) => {
    const socket = connect({ host: external.address, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
  });
  expect(outcome).toBe("ECONNREFUSED");
});
