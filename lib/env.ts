import "server-only";

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
  get databasePoolSize() {
    return int("GLAZE_DB_POOL_SIZE", 20);
  },
  /** Simulated provider latency in milliseconds (fake providers only). */
  get providerLatencyMs() {
    return int("GLAZE_PROVIDER_LATENCY_MS", 0);
  },
};
