import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { env } from "./env";
import { PrismaClient } from "./generated/prisma/client";

// The only place that constructs database clients. One pg pool per process, shared by the
// Prisma client (through its driver adapter) and by the cell engine's hot path, which runs
// named prepared statements on it directly (see lib/enrichment/sql.ts). Cached on
// globalThis so Next's hot reload does not open a new pool on every edit.

export type Db = PrismaClient;
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

type Cache = { glazePrisma?: PrismaClient; glazePool?: pg.Pool; glazeUrl?: string };
const globalForDb = globalThis as unknown as Cache;

function databaseUrl(): string {
  const url = env.databaseUrl;
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set. Start the app with `npm run dev` (embedded Postgres) or set DATABASE_URL.",
    );
  }
  return url;
}

function ensure(): Required<Cache> {
  const url = databaseUrl();
  if (!globalForDb.glazePrisma || !globalForDb.glazePool || globalForDb.glazeUrl !== url) {
    // Named prepared statements (only the cell engine's; Prisma's are unnamed) keep one generic
    // plan per connection. Left to choose, Postgres kept re-planning the engine's large CTE
    // statements for every cell: forcing the generic plan raised runCellTask at 32 callers
    // from ~800 to ~1,200–1,700 cells/s (bench/README.md).
    const pool = new pg.Pool({
      connectionString: url,
      max: env.databasePoolSize,
      options: "-c plan_cache_mode=force_generic_plan",
    });
    // An idle client that loses its connection must not crash the process.
    pool.on("error", (error) => console.error("[db] idle client error", error.message));
    globalForDb.glazePool = pool;
    globalForDb.glazePrisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    globalForDb.glazeUrl = url;
  }
  return globalForDb as Required<Cache>;
}

export function getDb(): PrismaClient {
  return ensure().glazePrisma;
}

export function getPool(): pg.Pool {
  return ensure().glazePool;
}

export async function disconnectDb() {
  const { glazePrisma, glazePool } = globalForDb;
  globalForDb.glazePrisma = undefined;
  globalForDb.glazePool = undefined;
  globalForDb.glazeUrl = undefined;
  await glazePrisma?.$disconnect();
  await glazePool?.end().catch(() => {});
}
