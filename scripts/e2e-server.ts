// The full stack for Playwright: a fresh database on the embedded Postgres (its own data
// dir and port), migrations and seed, the built-in Inngest dev server, and a production
// build of the app (`next build` + `next start`).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import pg from "pg";
import { startEmbeddedPostgres } from "../lib/database/embedded";
import { migrate } from "../lib/database/migrate";
import { disconnectDb } from "../lib/db";
import { seedLeads } from "../lib/seed/leads";

const appPort = Number(process.env.E2E_PORT ?? 3100);
const inngestPort = Number(process.env.E2E_INNGEST_PORT ?? 8299);
const log = (line: string) => console.log(`[e2e] ${line}`);

let databaseUrl = process.env.E2E_DATABASE_URL;
let stopDb = async () => {};
if (!databaseUrl) {
  const server = await startEmbeddedPostgres({
    dir: ".glaze/e2e-postgres",
    port: Number(process.env.E2E_PG_PORT ?? 54349),
    database: "postgres",
  });
  stopDb = server.stop;
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS glaze_e2e WITH (FORCE)`);
  await admin.query(`CREATE DATABASE glaze_e2e`);
  await admin.end();
  const url = new URL(server.adminUrl);
  url.pathname = "/glaze_e2e";
  databaseUrl = url.toString();
}
process.env.DATABASE_URL = databaseUrl;
await migrate(databaseUrl, { log });
await seedLeads();
await disconnectDb();

const env = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  INNGEST_DEV: `http://127.0.0.1:${inngestPort}`,
  GLAZE_APP_URL: `http://localhost:${appPort}`,
  // Enough latency that a person (and the tests) can see cells go queued → running → done.
  GLAZE_PROVIDER_LATENCY_MS: process.env.GLAZE_PROVIDER_LATENCY_MS ?? "400",
  NODE_ENV: "production" as const,
};

if (!process.env.E2E_SKIP_BUILD) {
  log("building the app (next build)");
  const build = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { stdio: "inherit", env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const children: ChildProcess[] = [];
children.push(
  spawn(
    process.execPath,
    ["--import", "tsx", "inngest/dev-server/cli.ts", "-u", `http://localhost:${appPort}/api/inngest`, "--port", String(inngestPort)],
    { stdio: "inherit", env: { ...env, INNGEST_DEV_BACKOFF_SCALE: "0.05" } },
  ),
);
children.push(
  spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "--port", String(appPort)], { stdio: "inherit", env }),
);

async function shutdown() {
  for (const child of children) child.kill("SIGTERM");
  await stopDb();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
