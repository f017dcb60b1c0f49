// npm run db:seed – on a database without accounts, creates the demo account with its workspace,
// the Leads table and an API key (written to .glaze/dev-credentials.json); then prints the
// Leads table's ids.
import { disconnectDb, getDb } from "../lib/db";
import { createDemoAccount } from "../prisma/seed/demo-account";
import { LEADS_TABLE_NAME } from "../prisma/seed/leads";
import { migrateDatabase, resolveDatabase } from "./database";
import { DEV_CREDENTIALS_FILE, devSecret, writeCredentials } from "./dev-secrets";

process.env.BETTER_AUTH_SECRET ??= devSecret("auth-secret");
const db = await resolveDatabase();
try {
  await migrateDatabase(db.url, () => {});
  const demo = await createDemoAccount();
  if (demo) {
    writeCredentials(DEV_CREDENTIALS_FILE, demo);
    console.log(`Created the demo account ${demo.email}; credentials in ${DEV_CREDENTIALS_FILE}`);
  }
  const table = await getDb().table.findFirst({
    where: { name: LEADS_TABLE_NAME },
    orderBy: { createdAt: "asc" },
    include: { columns: { orderBy: { order: "asc" } }, rows: { orderBy: { position: "asc" } } },
  });
  if (!table) {
    console.log("No Leads table: the database already had accounts, so nothing was seeded.");
  } else {
    console.log(`table   ${table.id}  (workspace ${table.workspaceId})`);
    for (const c of table.columns) console.log(`column  ${c.id}  ${c.key}`);
    for (const r of table.rows) console.log(`row     ${r.id}  ${String((r.data as { name?: unknown }).name ?? "")}`);
  }
} finally {
  await disconnectDb();
  await db.stop();
}
