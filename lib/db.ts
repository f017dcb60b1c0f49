import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "./env";
import { PrismaClient } from "./generated/prisma/client";

// The only place that constructs the Prisma client. One client per process (cached on
// globalThis so Next's hot reload does not open a new pool on every edit).

export type Db = PrismaClient;
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

const globalForDb = globalThis as unknown as { glazePrisma?: PrismaClient; glazePrismaUrl?: string };

function create(url: string): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, max: env.databasePoolSize });
  return new PrismaClient({ adapter });
}

export function getDb(): PrismaClient {
  const url = env.databaseUrl;
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set. Start the app with `npm run dev` (embedded Postgres) or set DATABASE_URL.",
    );
  }
  if (!globalForDb.glazePrisma || globalForDb.glazePrismaUrl !== url) {
    globalForDb.glazePrisma = create(url);
    globalForDb.glazePrismaUrl = url;
  }
  return globalForDb.glazePrisma;
}

export async function disconnectDb() {
  await globalForDb.glazePrisma?.$disconnect();
  globalForDb.glazePrisma = undefined;
  globalForDb.glazePrismaUrl = undefined;
}
