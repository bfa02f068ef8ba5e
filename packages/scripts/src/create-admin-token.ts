// Makes the first admin token of a deployed stage. Run it with the stage's links:
//   npx sst shell --stage production -- npm run admin-token
// or name the table yourself: npm run admin-token -- --table <name>   (AWS credentials from the environment)
// It prints the token once; only its hash is stored. With tokens already present it refuses,
// unless --force (for a lost admin token: revoke the old one afterwards). The token holds only the
// `admin` scope (it makes the tokens that encrypt and decrypt); --expires-in 12h | 30d bounds its life.
import { parseArgs } from "node:util";
import { systemClock } from "@coffer/core/clock";
import { connectDb } from "@coffer/core/db";
import { createFirstAdminToken, createTokenService } from "@coffer/core/tokens";
import { linkNames } from "@coffer/functions/links";

const { values } = parseArgs({
  options: {
    table: { type: "string" },
    force: { type: "boolean", default: false },
    "expires-in": { type: "string" },
  },
});

/** "12h" or "30d" from now, in epoch seconds. */
function expiryFrom(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^([1-9]\d{0,4})([hd])$/.exec(text);
  if (!match) {
    console.error('--expires-in takes a number of hours or days, e.g. "12h" or "30d".');
    process.exit(2);
  }
  const seconds = Number(match[1]) * (match[2] === "h" ? 3600 : 86_400);
  return Math.floor(systemClock.now() / 1000) + seconds;
}
const expiresAt = expiryFrom(values["expires-in"]);

async function tableName(): Promise<string> {
  if (values.table) return values.table;
  const { Resource } = await import("sst");
  return Resource[linkNames.table].name;
}

const { db, dynamo } = connectDb({ table: await tableName() });
const tokens = createTokenService({ db, clock: systemClock });
const created = await createFirstAdminToken(tokens, {
  force: values.force,
  ...(expiresAt !== undefined ? { expiresAt } : {}),
});
if (!created) {
  console.error(
    "This stage already has tokens. Use an existing admin token, or pass --force to make another.",
  );
  process.exit(1);
}
console.log(
  `Admin token (scope "admin" only; shown once, store it in a secret manager):\n${created.token}\n` +
    `Token id: ${created.tokenId}` +
    (created.expiresAt !== null ? `\nExpires: ${new Date(created.expiresAt * 1000).toISOString()}` : ""),
);
dynamo.destroy();
