import { migrate, startEmbeddedPostgres } from "@glaze/database";
import pg from "pg";
import type { TestProject } from "vitest/node";

// One Postgres server for the whole run: the one in TEST_DATABASE_ADMIN_URL if given,
// else an embedded server of its own (separate data dir and port from `npm run dev`).
// Migrations are applied once into a template database; every test file then gets a
// fresh copy of it (see file-db.ts).
// Names carry the run's start time, so concurrent runs on one server never drop each
// other's databases; leftovers of interrupted runs are dropped once they are 6 hours old.
const RUN = `glaze_test_${Math.floor(Date.now() / 1000)}_${process.pid}`;
const TEMPLATE = `${RUN}_template`;
const STALE_AFTER_SECONDS = 6 * 3600;

export default async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_DATABASE_ADMIN_URL;
  let stop = async () => {};
  if (!adminUrl) {
    const server = await startEmbeddedPostgres({
      dir: ".glaze/test-postgres",
      port: Number(process.env.GLAZE_TEST_PG_PORT ?? 54339),
      database: "postgres",
    });
    adminUrl = server.adminUrl;
    stop = server.stop;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const stale = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'glaze_test_%'",
  );
  for (const { datname } of stale.rows) {
    const started = Number(/^glaze_test_(\d+)_/.exec(datname)?.[1] ?? 0);
    if (Date.now() / 1000 - started > STALE_AFTER_SECONDS) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  }
  await admin.query(`CREATE DATABASE "${TEMPLATE}"`);
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${TEMPLATE}`;
  await migrate(templateUrl.toString());
  await admin.end();
  project.provide("adminDatabaseUrl", adminUrl);
  project.provide("testDatabasePrefix", RUN);
  return async () => {
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    const left = await cleanup.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
      [RUN],
    );
    for (const { datname } of left.rows) {
      await cleanup.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await cleanup.end();
    await stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    testDatabasePrefix: string;
  }
}
