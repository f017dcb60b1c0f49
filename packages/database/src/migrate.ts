import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

// Applies prisma/migrations the way `prisma migrate deploy` does, without Prisma's native
// schema engine (which cannot be downloaded offline). Each applied migration is recorded in
// `_prisma_migrations` with Prisma's checksum (sha256 of migration.sql), so `prisma migrate
// deploy` on a machine that has the engine sees the same history and has nothing to do.

// The same advisory lock key Prisma's engine takes, so the two never migrate concurrently.
const PRISMA_ADVISORY_LOCK = 72707369;

const CREATE_HISTORY = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export type Migration = { name: string; sql: string; checksum: string };

/**
 * A committed migration differs from the one applied to the database. Going on would leave
 * the database silently on another schema than the code expects, so migrating stops.
 */
export class MigrationChecksumMismatch extends Error {
  readonly migration: string;
  constructor(migration: string, applied: { checksum: string; finishedAt: Date | null }, current: string) {
    const when = applied.finishedAt ? ` on ${applied.finishedAt.toISOString()}` : "";
    super(
      [
        `Migration ${migration} in prisma/migrations is not the one that was applied to this database${when}`,
        `(checksum ${applied.checksum.slice(0, 12)}… applied, ${current.slice(0, 12)}… now).`,
        "An applied migration must never change. If you edited it, restore it",
        `(git checkout -- prisma/migrations/${migration}) and put your change in a new migration`,
        "(npm run db:migration:new -- <name>). If this is a local database created by an older",
        "checkout, start it afresh: stop `npm run dev`, then `npm run db:reset` (deletes the embedded",
        "database in .glaze/postgres and everything in it).",
      ].join("\n"),
    );
    this.name = "MigrationChecksumMismatch";
    this.migration = migration;
  }
}

export const MIGRATIONS_DIR = path.resolve(process.cwd(), "prisma/migrations");

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

export type MigrateResult = { applied: string[]; alreadyApplied: number };

export async function migrate(
  databaseUrl: string,
  options: { dir?: string; log?: (line: string) => void } = {},
): Promise<MigrateResult> {
  const log = options.log ?? (() => {});
  const migrations = await readMigrations(options.dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    await client.query(CREATE_HISTORY);
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const done = new Map(rows.map((r) => [r.migration_name, r]));
    for (const record of rows) {
      if (record.finished_at === null) {
        throw new Error(
          `Migration ${record.migration_name} started but did not finish. Fix the database, then mark it rolled back (prisma migrate resolve).`,
        );
      }
    }
    const applied: string[] = [];
    for (const migration of migrations) {
      const existing = done.get(migration.name);
      if (existing) {
        if (existing.checksum !== migration.checksum) {
          throw new MigrationChecksumMismatch(
            migration.name,
            { checksum: existing.checksum, finishedAt: existing.finished_at },
            migration.checksum,
          );
        }
        continue;
      }
      log(`applying migration ${migration.name}`);
      const id = randomUUID();
      await client.query("BEGIN");
      try {
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`,
          [id, migration.checksum, migration.name],
        );
        await client.query(migration.sql);
        await client.query(
          `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
          [id],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`);
      }
      applied.push(migration.name);
    }
    return { applied, alreadyApplied: migrations.length - applied.length };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]).catch(() => {});
    await client.end();
  }
}
