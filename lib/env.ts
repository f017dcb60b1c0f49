// The only reader of process.env. Values are read lazily so that tests and scripts can
// set DATABASE_URL after import (for example once an embedded Postgres is running).

function read(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : value;
}

function int(name: string, fallback: number): number {
  const raw = read(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`);
  return value;
}

export const env = {
  /** External Postgres; when unset the embedded server is used. */
  get databaseUrl() {
    return read("DATABASE_URL");
  },
  /** Where the embedded Postgres keeps its data (git-ignored). */
  get embeddedPgDir() {
    return read("GLAZE_PG_DIR") ?? ".glaze/postgres";
  },
  get embeddedPgPort() {
    return int("GLAZE_PG_PORT", 54329);
  },
  get databasePoolSize() {
    return int("GLAZE_DB_POOL_SIZE", 20);
  },
  /** Simulated provider latency in milliseconds (fake providers only). */
  get providerLatencyMs() {
    return int("GLAZE_PROVIDER_LATENCY_MS", 0);
  },
  /** Port of the built-in Inngest dev server under `npm run dev`. Inngest's own variables
   * (INNGEST_DEV, INNGEST_EVENT_KEY, INNGEST_SIGNING_KEY, INNGEST_BASE_URL) are read by the SDK. */
  get devServerPort() {
    return int("GLAZE_INNGEST_PORT", 8288);
  },
};
