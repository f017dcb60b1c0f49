import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";

/** Starts the built-in Inngest dev server (@glaze/inngest-dev-server) as a child process syncing `appUrl`. */
export function spawnDevServer(options: {
  /** Origin whose /api/inngest the dev server syncs and calls: the worker's (or the app's). */
  appUrl: string;
  port: number;
  /** Postgres database of the dev server's own state. */
  databaseUrl: string;
  env: NodeJS.ProcessEnv;
  stdio: StdioOptions;
  /** Multiplies retry backoffs (1 s, 2 s, 4 s …); test and benchmark stacks shorten them. */
  backoffScale?: number;
}): ChildProcess {
  const args = ["packages/inngest-dev-server/bin/glaze-inngest-dev.mjs", "-u", `${options.appUrl}/api/inngest`];
  args.push("--port", String(options.port), "--database-url", options.databaseUrl);
  if (options.backoffScale !== undefined) args.push("--backoff-scale", String(options.backoffScale));
  return spawn(process.execPath, args, { stdio: options.stdio, env: options.env });
}

/** A dev server that exits this soon after it started is crashing on start: wait before the next try. */
const CRASH_LOOP_MS = 10_000;
const RETRY_MS = 2_000;

export type SupervisedDevServer = {
  /** The running dev server's process id (undefined between a death and its restart). */
  pid: () => number | undefined;
  stop: () => Promise<void>;
};

/**
 * npm run dev's Inngest dev server, kept running: started again (same port, same database)
 * when it exits on its own (a crash, a `kill -9`). Its runs are in its database, so it resumes
 * them; without it no step runs, and the watchdog that re-drives stalled jobs is one of its crons.
 */
export function superviseDevServer(
  options: Parameters<typeof spawnDevServer>[0] & { log: (line: string) => void },
): SupervisedDevServer {
  let current: ChildProcess | undefined;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  const start = () => {
    const startedAt = Date.now();
    const child = spawnDevServer(options);
    current = child;
    child.once("exit", (code, signal) => {
      if (current === child) current = undefined;
      if (stopping) return;
      const crashLoop = Date.now() - startedAt < CRASH_LOOP_MS;
      options.log(
        `the Inngest dev server exited (${signal ?? `code ${code}`}); starting it again${crashLoop ? ` in ${RETRY_MS / 1000} s` : ""}`,
      );
      timer = setTimeout(start, crashLoop ? RETRY_MS : 0);
    });
  };
  start();
  return {
    pid: () => current?.pid,
    stop: async () => {
      stopping = true;
      clearTimeout(timer);
      const child = current;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(kill);
    },
  };
}
