// npm run dev – everything a developer needs, in one command:
// embedded Postgres (unless DATABASE_URL), migrations, the demo seed on an empty
// database, the provider replicas for every provider without a real key (demo mode), the
// built-in Inngest dev server (unless something already listens on its port; started again when
// it dies), the worker that
// executes the Inngest functions (restarted when its code changes or it dies), and `next dev` on
// http://localhost:3000. Inngest calls the worker, never `next dev`.
import { type ChildProcess, spawn } from "node:child_process";
import { isListening, MigrationChecksumMismatch } from "@glaze/database";
import type { Replicas } from "@glaze/provider-replicas";
import { disconnectDb, getDb } from "../lib/db";
import { createDemoAccount } from "../prisma/seed/demo-account";
import { migrateDatabase, resolveDatabase } from "./database";
import { DEV_CREDENTIALS_FILE, devSecret, writeCredentials } from "./dev-secrets";
import { type SupervisedDevServer, superviseDevServer } from "./dev-server-process";
import { developmentSecretKey, providersWithoutKeys, replicaEnv, startLocalReplicas } from "./provider-replicas";
import { settings } from "./settings";
import { superviseWorker } from "./worker-supervisor";

const log = (line: string) => console.log(`[glaze] ${line}`);
process.env.BETTER_AUTH_SECRET ??= devSecret("auth-secret");
const children: ChildProcess[] = [];

const db = await resolveDatabase((line) => {
  if (/error|FATAL|ready to accept/i.test(line)) log(line);
});
log(db.embedded ? `embedded Postgres at ${db.url}` : "using DATABASE_URL");
try {
  await migrateDatabase(db.url, log);
} catch (error) {
  // An old database on another schema must stop everything, with what to do, not a stack trace.
  console.error(`\n[glaze] ${error instanceof MigrationChecksumMismatch ? error.message : String(error)}\n`);
  await db.stop();
  process.exit(1);
}
const demo = await createDemoAccount();
if (demo) {
  writeCredentials(DEV_CREDENTIALS_FILE, demo);
  log(`created the demo account ${demo.email} / ${demo.password} with the Leads table and an API key`);
  log(`saved to ${DEV_CREDENTIALS_FILE} (email, password, workspaceId, apiKey)`);
} else {
  const people = await getDb().user.count();
  log(`${people} account(s); the demo account created on the first start is in ${DEV_CREDENTIALS_FILE}`);
}
// A provider's base URL is one for the whole app, so a key stored by any workspace of this
// development database takes that provider out of demo mode.
const stored = await getDb().providerCredential.findMany({ distinct: ["provider"], select: { provider: true } });
await disconnectDb();

// Demo mode: every provider without a real key (in the environment or stored by a workspace)
// is answered by a local replica, and the grid says so.
let replicas: Replicas | undefined;
let replicaVars: Record<string, string> = {};
const demoProviders = providersWithoutKeys(process.env, new Set(stored.map((c) => c.provider)));
if (demoProviders.length > 0) {
  const port = settings.replicasPort;
  replicas = await startLocalReplicas({
    port: (await isListening(port)) ? 0 : port,
    latencyMs: 150,
    jitterMs: 100,
  }).catch(() => startLocalReplicas({ port: 0, latencyMs: 150, jitterMs: 100 }));
  replicaVars = replicaEnv(replicas, demoProviders);
  log(`demo mode: ${demoProviders.join(", ")} answered by local replicas at ${replicas.url} (no real key configured)`);
}

const appPort = settings.appPort;
const inngestPort = settings.inngestPort;
const inngestUrl = `http://127.0.0.1:${inngestPort}`;
const childEnv = {
  ...process.env,
  ...replicaVars,
  DATABASE_URL: db.url,
  INNGEST_DEV: process.env.INNGEST_DEV ?? inngestUrl,
  GLAZE_SECRET_KEY: await developmentSecretKey(process.env),
  // HTTP-provider columns may call local servers while developing.
  GLAZE_ALLOW_PRIVATE_HTTP: process.env.GLAZE_ALLOW_PRIVATE_HTTP ?? "1",
};

// Started again when it dies, and when its code changes (scripts/worker-supervisor.ts).
const worker = await superviseWorker({
  port: settings.workerPort,
  env: childEnv,
  log,
  watchPaths: ["lib", "inngest", "packages", "scripts", "prisma/seed"],
});
log(`worker on ${worker.url}`);

let devServer: SupervisedDevServer | undefined;
if (await isListening(inngestPort)) {
  log(`an Inngest dev server already listens on ${inngestUrl}; registering the worker with it`);
  // A PUT asks the SDK in the worker to register its functions with INNGEST_DEV.
  await fetch(worker.url, { method: "PUT" }).catch((error) => log(`could not register the worker: ${error}`));
} else {
  // Started again when it dies (scripts/dev-server-process.ts): its runs resume from its database.
  devServer = superviseDevServer({
    appUrl: new URL(worker.url).origin,
    port: inngestPort,
    databaseUrl: db.inngestUrl,
    env: childEnv,
    stdio: "inherit",
    log,
  });
  log(`Inngest dev server on ${inngestUrl}`);
}

// Bound to the loopback interface: the app is for this machine until it is deployed.
const next = spawn(
  process.execPath,
  ["node_modules/next/dist/bin/next", "dev", "--hostname", "127.0.0.1", "--port", String(appPort)],
  {
    stdio: "inherit",
    env: childEnv,
  },
);
children.push(next);
log(`app on http://localhost:${appPort}`);

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  await Promise.all([worker.stop(), devServer?.stop()]);
  await replicas?.close();
  await db.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
next.on("exit", (code) => void shutdown(code ?? 0));
