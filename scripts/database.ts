import { ensureDatabaseExists, migrate, startEmbeddedPostgres } from "@glaze/database";
import { settings } from "./settings";

/** The built-in Inngest dev server keeps its runs in a database of its own on the same server. */
export const INNGEST_DEV_DATABASE = "glaze_inngest";

export type ResolvedDatabase = {
  url: string;
  /** Where the built-in Inngest dev server keeps its state. */
  inngestUrl: string;
  stop: () => Promise<void>;
  embedded: boolean;
};

/**
 * DATABASE_URL if set, else the embedded Postgres (started here or reused if running).
 * Sets process.env.DATABASE_URL for everything started afterwards.
 */
export async function resolveDatabase(log: (line: string) => void = () => {}): Promise<ResolvedDatabase> {
  if (process.env.DATABASE_URL) {
    const url = process.env.DATABASE_URL;
    return { url, inngestUrl: process.env.INNGEST_DEV_DATABASE_URL || url, stop: async () => {}, embedded: false };
  }
  const server = await startEmbeddedPostgres({
    dir: settings.pgDir,
    port: settings.pgPort,
    log: (line) => log(`[postgres] ${line}`),
  });
  await ensureDatabaseExists(server.adminUrl, INNGEST_DEV_DATABASE);
  process.env.DATABASE_URL = server.url;
  const inngestUrl = new URL(server.adminUrl);
  inngestUrl.pathname = `/${INNGEST_DEV_DATABASE}`;
  return { url: server.url, inngestUrl: inngestUrl.toString(), stop: server.stop, embedded: true };
}

export async function migrateDatabase(url: string, log: (line: string) => void = console.log) {
  const result = await migrate(url, { log });
  log(
    result.applied.length > 0
      ? `applied ${result.applied.length} migration(s): ${result.applied.join(", ")}`
      : `database is up to date (${result.alreadyApplied} migration(s))`,
  );
}
