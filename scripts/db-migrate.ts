// npm run db:migrate – applies pending migrations in prisma/migrations (offline-safe).
import { migrateDatabase, resolveDatabase } from "./database";

const db = await resolveDatabase();
try {
  await migrateDatabase(db.url);
} finally {
  await db.stop();
}
