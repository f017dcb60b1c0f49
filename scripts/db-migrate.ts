// npm run db:migrate – applies pending migrations in prisma/migrations (offline-safe).
import { MigrationChecksumMismatch } from "@glaze/database";
import { migrateDatabase, resolveDatabase } from "./database";

const db = await resolveDatabase();
try {
  await migrateDatabase(db.url);
} catch (error) {
  console.error(error instanceof MigrationChecksumMismatch ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.stop();
}
