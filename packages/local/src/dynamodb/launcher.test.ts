import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
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
