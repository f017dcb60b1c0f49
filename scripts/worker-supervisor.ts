import { type FSWatcher, watch } from "node:fs";
import { startWorkerProcess, stopWorkerProcess, type WorkerProcess } from "./worker-process";

// npm run dev's worker, kept running: started again when it exits on its own (a crash, an
// out-of-memory kill, a `kill -9`), since the dev server's runs wait for it and the watchdog
// that re-drives stalled jobs runs in it too; and restarted when its code changes. On the same
// port, so the dev server keeps calling the same URL.

/** A worker that dies this soon after it started is crashing on start: wait before the next try. */
const CRASH_LOOP_MS = 10_000;
const RETRY_MS = 2_000;
/** A restart for a code change gives in-flight steps this long before cutting them off. */
const STOP_GRACE_MS = 3_000;
const CODE = /\.(ts|tsx|mts|js|mjs|json|prisma)$/;

export type SupervisedWorker = {
  url: string;
  /** The running worker's process id (undefined between a death and its restart). */
  pid: () => number | undefined;
  stop: () => Promise<void>;
};

export async function superviseWorker(options: {
  port: number;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Where the worker's own output goes (console.log by default). */
  workerLog?: (line: string) => void;
  /** Folders and files whose changes restart it. */
  watchPaths: string[];
}): Promise<SupervisedWorker> {
  const { log } = options;
  let current: WorkerProcess | undefined;
  let startedAt = 0;
  let stopping = false;
  let restarting: Promise<void> | undefined;
  let waitingForChange = false;

  const start = async (): Promise<WorkerProcess> => {
    startedAt = Date.now();
    const worker = await startWorkerProcess({ port: options.port, env: options.env, log: options.workerLog });
    current = worker;
    waitingForChange = false;
    worker.child.once("exit", (code, signal) => {
      if (stopping || current !== worker || restarting) return;
      current = undefined;
      const crashLoop = Date.now() - startedAt < CRASH_LOOP_MS;
      log(
        `the worker exited (${signal ?? `code ${code}`}); starting it again${crashLoop ? ` in ${RETRY_MS / 1000} s` : ""}`,
      );
      setTimeout(() => void restart(), crashLoop ? RETRY_MS : 0);
    });
    return worker;
  };

  const restart = (): Promise<void> => {
    if (stopping) return Promise.resolve();
    if (restarting) return restarting;
    restarting = (async () => {
      if (current) {
        const exited = stopWorkerProcess(current, "SIGTERM");
        const timer = setTimeout(() => current?.child.kill("SIGKILL"), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
        current = undefined;
      }
      try {
        await start();
      } catch (error) {
        // Most likely code that does not load: the next change of a file tries again.
        waitingForChange = true;
        log(`the worker did not start (${(error as Error).message}); it starts again when a file changes`);
      }
    })().finally(() => {
      restarting = undefined;
    });
    return restarting;
  };

  const first = await start();
  let debounce: NodeJS.Timeout | undefined;
  const watchers: FSWatcher[] = options.watchPaths.map((path) =>
    watch(path, { recursive: true }, (_event, file) => {
      if (!file || !CODE.test(file) || file.includes("node_modules")) return;
      clearTimeout(debounce);
      debounce = setTimeout(() => {
        log(waitingForChange ? `${file} changed: starting the worker` : `${file} changed: restarting the worker`);
        void restart();
      }, 200);
    }),
  );

  return {
    url: first.url,
    pid: () => current?.pid,
    stop: async () => {
      stopping = true;
      clearTimeout(debounce);
      for (const watcher of watchers) watcher.close();
      await restarting?.catch(() => {});
      if (current) await stopWorkerProcess(current, "SIGTERM");
    },
  };
}
