// npm run db:migration:new -- <name>
// Authors prisma/migrations/<UTC yyyymmddHHMMSS>_<name>/migration.sql offline, the way
// `prisma migrate dev --create-only` would: every existing migration is applied to a scratch
// database on a private embedded Postgres, and Prisma's schema engine (Wasm build) diffs that
// database against prisma/schema.prisma. The new migration is then applied to the scratch
// database and the diff repeated, to prove that it applies and leaves nothing out.
// Nothing touches your development database: run `npm run db:migrate` afterwards.
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { MIGRATIONS_DIR, migrate, readMigrations } from "@glaze/database";
import { diffDatabaseToSchema, lastEnginePanic, withMigratedScratchDatabase } from "@glaze/database/schema-engine";

process.on("uncaughtException", (error) => {
  const panic = lastEnginePanic();
  console.error(panic ? `Prisma's schema engine panicked: ${panic}` : error);
  process.exit(1);
});

function usage(message: string): never {
  console.error(`${message}\nUsage: npm run db:migration:new -- <name>   (e.g. add_table_archived)`);
  process.exit(2);
}

function migrationName(args: string[]): string {
  const raw = args.filter((a) => a !== "--").join("_");
  if (raw === "" || raw.startsWith("-")) usage("Give the migration a name.");
  // Same shape as Prisma's names: lower case, words joined by underscores.
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^_|_$/g, "")
    .slice(0, 200);
  if (name === "") usage(`"${raw}" has no letters or digits to name a migration with.`);
  return name;
}

function utcTimestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, "").slice(0, 14); // yyyymmddHHMMSS
}

/** Now, or one second after the newest migration if the clock is behind it (keeps them ordered). */
function nextTimestamp(existing: string[]): string {
  const now = utcTimestamp(new Date());
  const latest = existing
    .map((name) => name.slice(0, 14))
    .filter((t) => /^\d{14}$/.test(t))
    .sort()
    .at(-1);
  if (latest === undefined || now > latest) return now;
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((i, k) => Number(latest.slice(i, k === 0 ? 4 : i + 2)));
  return utcTimestamp(new Date(Date.UTC(y, mo - 1, d, h, mi, s + 1)));
}

async function main(): Promise<number> {
  const name = migrationName(process.argv.slice(2));
  const existing = (await readMigrations()).map((m) => m.name);
  const directory = `${nextTimestamp(existing)}_${name}`;
  const file = path.join(MIGRATIONS_DIR, directory, "migration.sql");
  const relative = path.relative(process.cwd(), file);

  return withMigratedScratchDatabase(async (url) => {
    console.log(
      `Applied ${existing.length} migration(s) to a scratch database; diffing it against prisma/schema.prisma.`,
    );
    const sql = await diffDatabaseToSchema(url);
    if (sql === null) {
      console.log("No schema changes: prisma/schema.prisma matches the migrations. Nothing written.");
      return 0;
    }
    if (existsSync(path.dirname(file))) throw new Error(`${path.dirname(relative)} already exists`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, sql);

    // Prove it: apply the new migration to the scratch database and diff again.
    try {
      await migrate(url);
    } catch (error) {
      await rm(path.dirname(file), { recursive: true, force: true });
      console.error(`The generated SQL does not apply, so nothing was written:\n\n${sql}`);
      throw error;
    }
    const left = await diffDatabaseToSchema(url);
    console.log(`Created ${relative}:\n\n${sql}`);
    if (left !== null) {
      console.warn(`Warning: after applying it, the database still differs from the schema by:\n\n${left}`);
    }
    console.log(
      "Review it (add hand-written SQL such as functions or triggers at the end if needed), then run `npm run db:migrate`.",
    );
    return 0;
  });
}

process.exit(await main());
