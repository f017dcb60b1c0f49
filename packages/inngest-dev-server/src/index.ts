import type { AddressInfo } from "node:net";
import { AppClient } from "./app-client";
import { CronScheduler } from "./cron";
import { DbHealth } from "./db-health";
import { EventIngest } from "./events";
import { Executor } from "./executor";
import { createHttpServer } from "./http";
import { Queries, type RunDetail, type RunSummary } from "./queries";
import { Registry } from "./registry";
import { Store } from "./store";
import { AppSync } from "./sync";
import { checkInngestVersion } from "./version";

export { BUILT_FOR_INNGEST } from "./protocol";
export type { RunDetail, RunSummary, StepView } from "./queries";

export interface DevServerOptions {
  /** 8288 by default; 0 picks a free port. */
  port?: number;
  host?: string;
  databaseUrl: string;
  /** Serve URLs to sync at startup (retried until they answer) and poll afterwards. */
  appUrls?: string[];
  /** Cap on concurrent requests to apps, across all runs (default 32). */
  maxInFlight?: number;
  /** Multiplies retry backoffs (1s, 2s, 4s … and retry-after); tests use e.g. 0.01. */
  backoffScale?: number;
  /** How often to re-sync `appUrls`, like inngest-cli's --poll-interval (default 5000; 0 = never). */
  pollIntervalMs?: number;
  log?: (line: string) => void;
  /** When set, requests to apps are signed as Inngest Cloud signs them. */
  signingKey?: string;
  /** Longest a single request to an app may take (default 10 minutes). */
  requestTimeoutMs?: number;
  /** How long a run waits for an app that refuses connections (default 10 minutes). */
  unreachableTimeoutMs?: number;
  /** close(): how long to let in-flight requests finish (default 10 s). */
  shutdownTimeoutMs?: number;
  /**
   * Let the SDK run consecutive sequential steps in one request and checkpoint each to
   * this server (v4 checkpointing; default true). False = one request per step.
   */
  checkpointing?: boolean;
  /**
   * Wait for each write to reach Postgres's disk (default false): then a Postgres crash
   * loses no stored step, at a cost per step. Without it, the last ~0.6 s of steps before
   * a crash may run again.
   */
  synchronousCommit?: boolean;
}

export interface DevServer {
  url: string;
  port: number;
  /** Graceful: in-flight requests finish and are stored; unfinished runs resume on the next start. */
  close(): Promise<void>;
  /** Abrupt, like SIGKILL: in-flight requests are dropped (used to test durability). */
  kill(): Promise<void>;
  /** Asks the app at `url` to register its functions now. */
  syncApp(url: string): Promise<void>;
  /** Ingests events as `POST /e/<key>` would; returns their ids. */
  send(events: unknown): Promise<string[]>;
  getRun(runId: string): Promise<RunDetail | undefined>;
  listRuns(opts?: { limit?: number; status?: string; functionId?: string }): Promise<RunSummary[]>;
  runsForEvent(eventId: string): Promise<RunSummary[]>;
  /** Resolves with the run once it has finished; rejects after `timeoutMs`. */
  waitForRun(runId: string, timeoutMs?: number): Promise<RunDetail>;
  stats(): { activeRuns: number; inFlight: number; queued: number; throttled: number };
}

function defaultLog(line: string): void {
  console.log(`[inngest-dev] ${new Date().toISOString().slice(11, 23)} ${line}`);
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const log = options.log ?? defaultLog;
  checkInngestVersion(log);
  const store = new Store(options.databaseUrl, { synchronousCommit: options.synchronousCommit });
  try {
    await store.init();
  } catch (err) {
    await store.pool.end().catch(() => {});
    throw err;
  }
  const registry = new Registry(log);
  registry.load(await store.loadFunctions());
  const client = new AppClient({ signingKey: options.signingKey, timeoutMs: options.requestTimeoutMs ?? 600_000 });
  const executor = new Executor(store, registry, client, log, {
    maxInFlight: options.maxInFlight ?? 32,
    backoffScale: options.backoffScale ?? 1,
    unreachableTimeoutMs: options.unreachableTimeoutMs ?? 600_000,
    checkpointing: options.checkpointing ?? true,
  });
  const health = new DbHealth(store.pool, log, executor.stopSignal);
  health.hooks = { onDown: () => executor.suspend(), onUp: () => executor.recover() };
  executor.health = health;
  store.onIdleError = (err) => health.report(err);
  const ingest = new EventIngest(store, registry, executor, log);
  executor.emit = (events) => ingest.ingest(events);
  const sync = new AppSync(store, registry, client, log);
  const queries = new Queries(store.pool);
  const crons = new CronScheduler(store, registry, executor, health, log);
  sync.onFunctionsChanged = () => crons.reconcile();
  const server = createHttpServer({ ingest, sync, executor, queries, health, log });

  const host = options.host ?? "127.0.0.1";
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 8288, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host}:${port}`;
  log(`Inngest dev server on ${url} (UI at ${url}/)`);

  const watchers = new AbortController();
  await executor.resumeAll();
  await crons.reconcile();
  for (const appUrl of options.appUrls ?? []) void sync.watch(appUrl, options.pollIntervalMs ?? 5000, watchers.signal);

  let stopped: Promise<void> | undefined;
  const stop = (graceful: boolean) => {
    stopped ??= (async () => {
      watchers.abort();
      crons.stop();
      await executor.stop(graceful, options.shutdownTimeoutMs ?? 10_000);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      log(graceful ? "stopped" : "killed");
    })();
    return stopped;
  };

  return {
    url,
    port,
    close: () => stop(true),
    kill: () => stop(false),
    syncApp: (appUrl) => sync.syncApp(appUrl),
    send: (events) => ingest.ingest(events),
    getRun: (runId) => queries.getRun(runId),
    listRuns: (opts = {}) =>
      queries.listRuns({ limit: opts.limit ?? 100, status: opts.status, functionId: opts.functionId }),
    runsForEvent: (eventId) => queries.runsForEvent(eventId),
    async waitForRun(runId, timeoutMs = 60_000) {
      const result = await executor.waitForRun(runId, undefined, Date.now() + timeoutMs);
      if (result === "timeout") throw new Error(`run ${runId} did not finish within ${timeoutMs} ms`);
      const run = await queries.getRun(runId);
      if (!run) throw new Error(`run ${runId} not found`);
      return run;
    },
    stats: () => executor.stats(),
  };
}
