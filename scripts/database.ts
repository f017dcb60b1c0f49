import { startEmbeddedPostgres } from "../lib/database/embedded";
import { migrate } from "../lib/database/migrate";

/**
 * DATABASE_URL if set, else the embedded Postgres (started here or reused if running).
 * Sets process.env.DATABASE_URL for everything started afterwards.
 */
export async function resolveDatabase(log: (line: string) => void = () => {}) {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {}, embedded: false };
  const server = await startEmbeddedPostgres({ log: (line) => log(`[postgres] ${line}`) });
  process.env.DATABASE_URL = server.url;
  return { url: server.url, stop: server.stop, embedded: true, startedHere: server.startedHere };
}

export async function migrateDatabase(url: string, log: (line: string) => void = console.log) {
  const result = await migrate(url, { log });
  log(
    result.applied.length > 0
      ? `applied ${result.applied.length} migration(s): ${result.applied.join(", ")}`
      : `database is up to date (${result.alreadyApplied} migration(s))`,
  );
}
