// npm run db:seed – creates the demo "Leads" table (idempotent) and prints its ids.
import { disconnectDb } from "../lib/db";
import { seedLeads } from "../prisma/seed/leads";
import { migrateDatabase, resolveDatabase } from "./database";

const db = await resolveDatabase();
try {
  await migrateDatabase(db.url, () => {});
  const result = await seedLeads();
  console.log(result.created ? `Created table "${result.table.name}"` : `Table "${result.table.name}" already exists`);
  console.log(`table   ${result.table.id}`);
  for (const c of result.columns) console.log(`column  ${c.id}  ${c.key}`);
  for (const r of result.rows) console.log(`row     ${r.id}  ${r.name}`);
} finally {
  await disconnectDb();
  await db.stop();
}
