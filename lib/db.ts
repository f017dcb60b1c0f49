import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { env } from "./env";
import { PrismaClient } from "./generated/prisma/client";

// The only place that constructs database clients. Two pg pools per process:
//  - the Prisma client's (through its driver adapter), with Postgres's default plan choice;
//  - the enrichment store's, for its hot statements run as named prepared statements with
//    `plan_cache_mode = force_generic_plan` (lib/enrichment/store/run.ts). Left to choose,
//    Postgres re-planned those large statements on every cell (bench/README.md). The setting
//    must not reach other queries: a generic plan of a query whose best plan depends on its
//    parameters (e.g. cells/status) walks a whole index and grows with the database.
// Cached on globalThis so Next's hot reload does not open new pools on every edit.

export type Db = PrismaClient;
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

type Cache = {
  glazePrisma?: PrismaClient;
  glazePool?: pg.Pool;
  glazeEnginePool?: pg.Pool;
  glazeHintingPool?: pg.Pool;
  glazeUrl?: string;
};
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

const GENERIC_PLANS = "-c plan_cache_mode=force_generic_plan";

function makePool(url: string, options?: string) {
  const pool = new pg.Pool({ connectionString: url, max: env.databasePoolSize, ...(options ? { options } : {}) });
  // An idle client that loses its connection must not crash the process.
  pool.on("error", (error) => console.error("[db] idle client error", error.message));
  return pool;
}

function ensure(): Required<Cache> {
  const url = databaseUrl();
  if (
    !globalForDb.glazePrisma ||
    !globalForDb.glazePool ||
    !globalForDb.glazeEnginePool ||
    !globalForDb.glazeHintingPool ||
    globalForDb.glazeUrl !== url
  ) {
    const pool = makePool(url);
    globalForDb.glazePool = pool;
    globalForDb.glazeEnginePool = makePool(url, GENERIC_PLANS);
    globalForDb.glazeHintingPool = makePool(url, `${GENERIC_PLANS} -c glaze.hints=app`);
    globalForDb.glazePrisma = new PrismaClient({
      adapter: new PrismaPg(pool),
      // Prisma's 5 s default ends interactive transactions (better-auth's sign-up among them)
      // that merely waited for a busy machine; big ones set their own, longer timeouts.
      transactionOptions: { maxWait: 10_000, timeout: 20_000 },
    });
    globalForDb.glazeUrl = url;
  }
  return globalForDb as Required<Cache>;
}

export function getDb(): PrismaClient {
  return ensure().glazePrisma;
}

/** The pool Prisma runs on (Postgres's default plan choice), for pg-level statements. */
export function getPool(): pg.Pool {
  return ensure().glazePool;
}

/** The enrichment store's pool for statements it keeps generic plans of; nothing else should use it. */
export function getEnginePool(): pg.Pool {
  return ensure().glazeEnginePool;
}

/**
 * The store's pool for its hottest statements (claiming and finishing cells): like the engine
 * pool, and `glaze.hints=app` tells the tasks' notify trigger that the caller sends the cells'
 * hints itself (lib/realtime/cell-hints.ts), after the commit and merged per table.
 */
export function getHintingPool(): pg.Pool {
  return ensure().glazeHintingPool;
}

/**
 * A connection of its own, outside the pools, for a session that must stay open (the live
 * updates' LISTEN, lib/realtime/listener.ts). The caller owns it and ends it.
 */
export function newSessionClient({ name }: { name: string }): pg.Client {
  return new pg.Client({ connectionString: databaseUrl(), application_name: name });
}

type Hooks = { glazeDisconnectHooks?: Set<() => Promise<void>> };
const globalHooks = globalThis as unknown as Hooks;
globalHooks.glazeDisconnectHooks ??= new Set();
const hooks = globalHooks.glazeDisconnectHooks;

/** Runs `hook` on the next disconnectDb(), e.g. to end a session client opened with newSessionClient. */
export function onDisconnect(hook: () => Promise<void>): () => void {
  hooks.add(hook);
  return () => hooks.delete(hook);
}

export async function disconnectDb() {
  for (const hook of [...hooks]) {
    hooks.delete(hook);
    await hook().catch(() => {});
  }
  const { glazePrisma, glazePool, glazeEnginePool, glazeHintingPool } = globalForDb;
  globalForDb.glazePrisma = undefined;
  globalForDb.glazePool = undefined;
  globalForDb.glazeEnginePool = undefined;
  globalForDb.glazeHintingPool = undefined;
  globalForDb.glazeUrl = undefined;
  await glazePrisma?.$disconnect();
  await glazePool?.end().catch(() => {});
  await glazeEnginePool?.end().catch(() => {});
  await glazeHintingPool?.end().catch(() => {});
}
