import { diffDatabaseToSchema } from "@glaze/database/schema-engine";
import pg from "pg";
import { expect, test } from "vitest";

// The harness gives this file a fresh database with every migration in prisma/migrations
// applied (tests/setup). Prisma's schema engine (Wasm) diffs it against prisma/schema.prisma:
// any difference means someone changed the schema without a migration, or the reverse.
// Fix it with `npm run db:migration:new -- <name>`.
test("prisma/migrations produce exactly the database prisma/schema.prisma describes", async () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (tests/setup/file-db.ts sets it)");
  const drift = await diffDatabaseToSchema(url);
  expect(drift, `schema and migrations disagree; the missing migration would be:\n${drift}`).toBeNull();
});

// Guards the guard: a database that lost an index and gained a column must show up as drift.
test("the check reports drift (runs after the test above: it alters this file's database)", async () => {
  const url = process.env.DATABASE_URL as string;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP INDEX "enrichment_jobs_status_idx"; ALTER TABLE "tables" ADD COLUMN "stray" TEXT`);
  } finally {
    await client.end();
  }
  const drift = await diffDatabaseToSchema(url);
  expect(drift).toContain(`CREATE INDEX "enrichment_jobs_status_idx" ON "enrichment_jobs"("status");`);
  expect(drift).toContain(`ALTER TABLE "tables" DROP COLUMN "stray";`);
  expect(drift).not.toMatch(/FUNCTION|TRIGGER|_prisma_migrations/);
});
