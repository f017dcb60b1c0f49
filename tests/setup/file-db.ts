import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, inject } from "vitest";
import { disconnectDb } from "../../lib/db";

// Every test file runs against its own database, cloned from the migrated template.
const adminUrl = inject("adminDatabaseUrl");
const prefix = inject("testDatabasePrefix");
const name = `${prefix}_${randomBytes(6).toString("hex")}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
// Cloning takes a lock on the template; files starting together may collide, so retry.
for (let attempt = 1; ; attempt++) {
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${prefix}_template"`);
    break;
  } catch (error) {
    if (attempt >= 20 || (error as { code?: string }).code !== "55006") throw error;
    await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
  }
}
await admin.end();

const url = new URL(adminUrl);
url.pathname = `/${name}`;
process.env.DATABASE_URL = url.toString();
process.env.TEST_DATABASE_NAME = name;

afterAll(async () => {
  await disconnectDb();
  const cleanup = new pg.Client({ connectionString: adminUrl });
  await cleanup.connect();
  await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await cleanup.end();
});
