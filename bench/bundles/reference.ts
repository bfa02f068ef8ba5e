// The lean reference Lambda of DESIGN §8: tRPC + zod/mini + the KMS client + the DynamoDB client +
// ElectroDB, each constructed once at module load as a handler would. Coffer's handlers are
// measured against this bundle's size and cold module load.
import { GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { initTRPC } from "@trpc/server";
import { awsLambdaRequestHandler } from "@trpc/server/adapters/aws-lambda";
import { Entity } from "electrodb";
import * as z from "zod/mini";

const t = initTRPC.create();
const kms = new KMSClient({});
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const items = new Entity(
  {
    model: { entity: "item", service: "reference", version: "1" },
    attributes: { id: { type: "string", required: true }, body: { type: "string" } },
    indexes: { byId: { pk: { field: "pk", composite: ["id"] }, sk: { field: "sk", composite: [] } } },
  },
  { client, table: process.env.TABLE ?? "reference" },
);
const router = t.router({
  put: t.procedure.input(z.object({ id: z.string(), body: z.string() })).mutation(async ({ input }) => {
    await kms.send(new GenerateDataKeyCommand({ KeyId: "alias/reference", KeySpec: "AES_256" }));
    return items.put(input).go();
  }),
});

export const handler = awsLambdaRequestHandler({ router });
