import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, expect, inject, test } from "vitest";
import { MigrationChecksumMismatch, migrate } from "../src/migrate";

// Each test creates its own empty database on the test server (named with the run's prefix so the
// harness sweeps it up if a run is interrupted) and drops it afterwards.

const adminUrl = inject("adminDatabaseUrl");
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function emptyDatabase(): Promise<string> {
  const name = `${inject("testDatabasePrefix")}_migrate_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  cleanups.push(() => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

type HistoryRow = {
  id: string;
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
};

const history = (url: string) => query<HistoryRow>(url, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);

const publicTables = async (url: string) =>
  (
    await query<{ tablename: string }>(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
  ).map((r) => r.tablename);

/** The repository's migrations, read independently of the runner. */
async function repositoryMigrations() {
  const dir = path.resolve("prisma/migrations");
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"));
      return { name, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/** A migrations directory of our own: `{ name: sql }`. */
async function migrationsDir(migrations: Record<string, string>) {
  const dir = await mkdtemp(path.join(tmpdir(), "glaze-migrations-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await writeMigrations(dir, migrations);
  return dir;
}

async function writeMigrations(dir: string, migrations: Record<string, string>) {
  for (const [name, sql] of Object.entries(migrations)) {
    await mkdir(path.join(dir, name), { recursive: true });
    await writeFile(path.join(dir, name, "migration.sql"), sql);
  }
}

test("migrate – empty database → applies every migration and records it with its sha256 checksum", async () => {
  const url = await emptyDatabase();
  const expected = await repositoryMigrations();
  expect(expected.length).toBeGreaterThan(0);

  const result = await migrate(url);

  expect(result).toEqual({ applied: expected.map((m) => m.name), alreadyApplied: 0 });
  const rows = await history(url);
  expect(rows.map((r) => ({ name: r.migration_name, checksum: r.checksum }))).toEqual(expected);
  for (const row of rows) {
    expect(row.finished_at).toBeInstanceOf(Date);
    expect(row.rolled_back_at).toBeNull();
    expect(row.applied_steps_count).toBe(1);
    expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
  }
  expect(await publicTables(url)).toEqual(
    expect.arrayContaining([
      "_prisma_migrations",
      "cell_enrichment_tasks",
      "columns",
      "enrichment_jobs",
      "rows",
      "tables",
    ]),
  );
  const triggers = await query<{ tgname: string }>(url, "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal");
  expect(triggers.map((t) => t.tgname)).toEqual(
    expect.arrayContaining(["cell_enrichment_tasks_touch", "rows_derive_status"]),
  );
});

test("migrate – second run → applies nothing and leaves the history as it was", async () => {
  const url = await emptyDatabase();
  const expected = await repositoryMigrations();
  await migrate(url);
  const before = await history(url);

  const result = await migrate(url);

  expect(result).toEqual({ applied: [], alreadyApplied: expected.length });
  expect(await history(url)).toEqual(before);
});

test("migrate – two concurrent runs on an empty database → each migration is applied once", async () => {
  const url = await emptyDatabase();
  const expected = await repositoryMigrations();

  const results = await Promise.all([migrate(url), migrate(url)]);

  expect(results.flatMap((r) => r.applied).sort()).toEqual(expected.map((m) => m.name));
  expect((await history(url)).map((r) => r.migration_name)).toEqual(expected.map((m) => m.name));
});

test("migrate – a failing migration → throws, rolls it back and records nothing for it", async () => {
  const url = await emptyDatabase();
  const dir = await migrationsDir({
    "001_first": "CREATE TABLE first_table (id INT);",
    "002_broken": "CREATE TABLE second_table (id INT);\nSELECT 1 / 0;",
    "003_third": "CREATE TABLE third_table (id INT);",
  });

  await expect(migrate(url, { dir })).rejects.toThrow(/Migration 002_broken failed: division by zero/);

  expect((await history(url)).map((r) => r.migration_name)).toEqual(["001_first"]);
  expect(await publicTables(url)).toEqual(["_prisma_migrations", "first_table"]);

  // Once fixed, the next run picks up where the failed one stopped.
  await writeMigrations(dir, { "002_broken": "CREATE TABLE second_table (id INT);" });
  const retried = await migrate(url, { dir });
  expect(retried).toEqual({ applied: ["002_broken", "003_third"], alreadyApplied: 1 });
  expect(await publicTables(url)).toEqual(["_prisma_migrations", "first_table", "second_table", "third_table"]);
});

test("migrate – a migration edited after it was applied → stops with what to do, applies nothing after it", async () => {
  const url = await emptyDatabase();
  const dir = await migrationsDir({ "001_first": "CREATE TABLE first_table (id INT);" });
  await migrate(url, { dir });
  const before = await history(url);
  await writeMigrations(dir, {
    "001_first": "CREATE TABLE first_table (id INT, extra TEXT);",
    "002_second": "CREATE TABLE second_table (id INT);",
  });

  const failure = await migrate(url, { dir }).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(MigrationChecksumMismatch);
  const message = (failure as Error).message;
  expect(message).toContain("Migration 001_first in prisma/migrations is not the one that was applied");
  expect(message).toContain("git checkout -- prisma/migrations/001_first");
  expect(message).toContain("npm run db:reset");
  expect(await history(url)).toEqual(before);
  expect(await publicTables(url)).not.toContain("second_table");
});

test("migrate – a migration that started but never finished → refuses to run", async () => {
  const url = await emptyDatabase();
  const dir = await migrationsDir({
    "001_first": "CREATE TABLE first_table (id INT);",
    "002_second": "CREATE TABLE second_table (id INT);",
  });
  await migrate(url, { dir });
  await query(url, `UPDATE "_prisma_migrations" SET finished_at = NULL WHERE migration_name = '002_second'`);
  await writeMigrations(dir, { "003_third": "CREATE TABLE third_table (id INT);" });

  await expect(migrate(url, { dir })).rejects.toThrow(/Migration 002_second started but did not finish/);

  expect(await publicTables(url)).not.toContain("third_table");
});
