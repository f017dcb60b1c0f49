// Starts the whole Glaze stack as separate processes: a fresh database on the embedded
// Postgres (or an external server), migrations and the seed, the provider replicas (in this
// process), the built-in Inngest dev server, the worker process that executes the Inngest
// functions (the dev server calls it, never the app), and a production build of the app. Used
// by Playwright (scripts/e2e-server.ts) and the benchmarks (bench/).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { migrate, startEmbeddedPostgres } from "@glaze/database";
import type { Replicas, ReplicasConfigPatch } from "@glaze/provider-replicas";
import pg from "pg";
import { disconnectDb } from "../lib/db";
import { createDemoAccount, type DemoCredentials } from "../prisma/seed/demo-account";
import { spawnDevServer } from "./dev-server-process";
import { newSecretKey, REPLICATED, replicaEnv, startLocalReplicas } from "./provider-replicas";
import { startWorkerProcess, stopWorkerProcess, type WorkerProcess } from "./worker-process";

export type StackOptions = {
  appPort: number;
  inngestPort: number;
  /** Port of the worker process; 0 (the default) takes a free one. */
  workerPort?: number;
  pgPort: number;
  pgDir: string;
  database: string;
  /** Admin URL of an external server to create the database on, instead of the embedded one. */
  adminUrl?: string;
  build: boolean;
  providerLatencyMs: number;
  devServerBackoffScale?: number;
  /** The provider replicas every provider is pointed at (port 0 unless given). */
  replicas?: { port?: number; latencyMs: number; jitterMs?: number; config?: ReplicasConfigPatch };
  quiet?: boolean;
  log?: (line: string) => void;
};

export type Stack = {
  /** The demo account the stack seeded: sign in with it, call the API with its key. */
  demo: DemoCredentials;
  appUrl: string;
  inngestUrl: string;
  databaseUrl: string;
  replicas: Replicas | undefined;
  /** The worker's /api/inngest, which the dev server calls. */
  workerUrl: string;
  /** Restarts the app and the worker with other environment variables (e.g. provider latency). */
  restartApp: (extraEnv?: Record<string, string>) => Promise<void>;
  /** The app process's id (benchmarks read its memory). */
  appPid: () => number | undefined;
  /** The ids of the stack's processes (benchmarks read their CPU time); Postgres's is its postmaster's. */
  processIds: () => { app?: number; worker?: number; devServer?: number; postgres?: number };
  stop: () => Promise<void>;
};

async function waitFor(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${url} did not come up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Fails when a port of the stack is taken: a process left over from an earlier run would
 * otherwise answer in place of the one this stack starts (which exits unseen), and the tests
 * or figures would be about the old one.
 */
async function assertPortFree(port: number, what: string) {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`port ${port} (${what}) is in use: stop the process that holds it (an earlier stack?)`)
          : error,
      ),
    );
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? ((line: string) => console.log(`[stack] ${line}`));
  await assertPortFree(options.appPort, "the app");
  await assertPortFree(options.inngestPort, "the Inngest dev server");
  if (options.workerPort) await assertPortFree(options.workerPort, "the worker");
  let adminUrl = options.adminUrl;
  let stopDb = async () => {};
  let postmasterPid: number | undefined;
  if (!adminUrl) {
    const server = await startEmbeddedPostgres({ dir: options.pgDir, port: options.pgPort, database: "postgres" });
    adminUrl = server.adminUrl;
    stopDb = server.stop;
    // The first line of postmaster.pid is the server's process id.
    postmasterPid =
      Number(readFileSync(path.join(options.pgDir, "postmaster.pid"), "utf8").split("\n")[0]) || undefined;
  }
  const inngestDatabase = `${options.database}_inngest`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  for (const name of [options.database, inngestDatabase]) {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  }
  await admin.end();
  const urlOf = (name: string) => {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const databaseUrl = urlOf(options.database);
  process.env.DATABASE_URL = databaseUrl;
  await migrate(databaseUrl, { log });
  // The stack's own secret, set before anything asks better-auth for it.
  process.env.BETTER_AUTH_SECRET ??= randomBytes(32).toString("base64url");
  const demo = await createDemoAccount();
  if (!demo) throw new Error("the stack's fresh database already had an account");
  await disconnectDb();

  const replicas = options.replicas
    ? await startLocalReplicas({ ...options.replicas, port: options.replicas.port ?? 0 })
    : undefined;
  if (replicas) log(`provider replicas at ${replicas.url}`);

  const appUrl = `http://localhost:${options.appPort}`;
  const inngestUrl = `http://127.0.0.1:${options.inngestPort}`;
  const stdio = options.quiet ? ("ignore" as const) : ("inherit" as const);
  const env = {
    ...process.env,
    ...(replicas ? replicaEnv(replicas, REPLICATED) : {}),
    DATABASE_URL: databaseUrl,
    INNGEST_DEV: inngestUrl,
    GLAZE_PROVIDER_LATENCY_MS: String(options.providerLatencyMs),
    GLAZE_SECRET_KEY: process.env.GLAZE_SECRET_KEY ?? newSecretKey(),
    GLAZE_ALLOW_PRIVATE_HTTP: "1",
    NODE_ENV: "production" as const,
  };

  if (options.build) {
    log("building the app (next build)");
    const build = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { stdio, env });
    if (build.status !== 0) throw new Error(`next build failed with exit code ${build.status}`);
  }

  let worker: WorkerProcess | undefined;
  let workerPort = options.workerPort ?? 0;
  const startWorker = async (extraEnv: Record<string, string> = {}) => {
    worker = await startWorkerProcess({
      port: workerPort,
      env: { ...env, ...extraEnv },
      log: options.quiet ? () => {} : (line) => console.log(line),
    });
    // A restarted worker comes back where the dev server knows to find it.
    workerPort = Number(new URL(worker.url).port);
  };
  await startWorker();
  const workerUrl = (worker as WorkerProcess).url;

  const devServer = spawnDevServer({
    appUrl: new URL(workerUrl).origin,
    port: options.inngestPort,
    databaseUrl: urlOf(inngestDatabase),
    env,
    stdio,
    backoffScale: options.devServerBackoffScale ?? 0.05,
  });
  let app: ChildProcess | undefined;
  const stopping = new WeakSet<ChildProcess>();
  const startApp = async (extraEnv: Record<string, string> = {}) => {
    const started = spawn(
      process.execPath,
      ["node_modules/next/dist/bin/next", "start", "--hostname", "127.0.0.1", "--port", String(options.appPort)],
      {
        // Quiet stacks still keep the app's last words, to say why it died if it does.
        stdio: options.quiet ? ["ignore", "ignore", "pipe"] : stdio,
        env: { ...env, ...extraEnv },
      },
    );
    app = started;
    let stderrTail = "";
    started.stderr?.on("data", (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-4_000);
    });
    started.once("exit", (code, signal) => {
      if (stopping.has(started)) return;
      console.error(`[stack] the app exited unexpectedly (code ${code}, signal ${signal})\n${stderrTail}`);
    });
    await waitFor(`${appUrl}/api/health`, 60_000);
  };
  const stopApp = () =>
    new Promise<void>((resolve) => {
      const running = app;
      if (!running || running.exitCode !== null) return resolve();
      stopping.add(running);
      // Next waits for open requests before it exits; one that never ends must not hold the stop.
      const force = setTimeout(() => running.kill("SIGKILL"), 10_000);
      running.once("exit", () => {
        clearTimeout(force);
        resolve();
      });
      running.kill("SIGTERM");
    });
  const stopAll = async () => {
    await Promise.all([stopApp(), worker && stopWorkerProcess(worker)]);
    devServer.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    await replicas?.close();
    await stopDb();
  };
  try {
    await startApp();
    await waitFor(`${inngestUrl}/health`, 60_000);
  } catch (error) {
    // An app that never came up (no build, a port taken) must not leave the rest running.
    await stopAll();
    throw error;
  }

  return {
    demo,
    appUrl,
    inngestUrl,
    workerUrl,
    databaseUrl,
    replicas,
    appPid: () => app?.pid,
    processIds: () => ({ app: app?.pid, worker: worker?.pid, devServer: devServer.pid, postgres: postmasterPid }),
    restartApp: async (extraEnv) => {
      await Promise.all([stopApp(), worker && stopWorkerProcess(worker)]);
      await startWorker(extraEnv);
      await startApp(extraEnv);
    },
    stop: stopAll,
  };
}
