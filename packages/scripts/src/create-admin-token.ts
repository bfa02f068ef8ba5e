// Makes the first admin token of a deployed stage. Run it with the stage's links:
//   npx sst shell --stage production -- npm run admin-token
// or name the table yourself: npm run admin-token -- --table <name>   (AWS credentials from the environment)
// It prints the token once; only its hash is stored. With tokens already present it refuses,
// unless --force (for a lost admin token: revoke the old one afterwards).
import { parseArgs } from "node:util";
import { systemClock } from "@coffer/core/clock";
import { connectDb } from "@coffer/core/db";
import { createFirstAdminToken, createTokenService } from "@coffer/core/tokens";
import { linkNames } from "@coffer/functions/links";

const { values } = parseArgs({
  options: { table: { type: "string" }, force: { type: "boolean", default: false } },
});

async function tableName(): Promise<string> {
  if (values.table) return values.table;
  const { Resource } = await import("sst");
  return Resource[linkNames.table].name;
}

const { db, dynamo } = connectDb({ table: await tableName() });
const tokens = createTokenService({ db, clock: systemClock });
const created = await createFirstAdminToken(tokens, { force: values.force });
if (!created) {
  console.error(
    "This stage already has tokens. Use an existing admin token, or pass --force to make another.",
  );
  process.exit(1);
}
console.log(
  `Admin token (shown once, store it in a secret manager):\n${created.token}\nToken id: ${created.tokenId}`,
);
dynamo.destroy();
