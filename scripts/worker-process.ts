import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export type WorkerProcess = { child: ChildProcess; url: string; pid: number };

const READY = /serving Inngest functions on (http:\/\/\S+)/;

/**
 * Starts `npm run worker`'s entry (scripts/worker.ts) as one child process (node itself,
 * so its pid is the worker's and a kill reaches it) and resolves with its /api/inngest URL
 * once it listens. `port: 0` takes a free port. Its output goes to `log`, line by line
 * (npm run dev keeps it running: scripts/worker-supervisor.ts).
 */
export function startWorkerProcess(options: {
  port: number;
  env: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  timeoutMs?: number;
}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], {
    env: { ...options.env, GLAZE_WORKER_PORT: String(options.port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = options.log ?? ((line: string) => console.log(line));
  return new Promise((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the worker did not start within ${options.timeoutMs ?? 60_000} ms`));
    }, options.timeoutMs ?? 60_000);
    const onLine = (line: string) => {
      log(line);
      const match = READY.exec(line);
      if (match && !ready) {
        ready = true;
        clearTimeout(timer);
        resolve({ child, url: match[1], pid: child.pid ?? 0 });
      }
    };
    createInterface({ input: child.stdout }).on("line", onLine);
    createInterface({ input: child.stderr }).on("line", onLine);
    child.once("exit", (code, signal) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`the worker exited before it listened (code ${code}, signal ${signal})`));
    });
  });
}

/** Stops a worker: SIGTERM (in-flight steps finish), or SIGKILL to cut it off mid-step. */
export function stopWorkerProcess(worker: WorkerProcess, signal: "SIGTERM" | "SIGKILL" = "SIGTERM") {
  return new Promise<void>((resolve) => {
    if (worker.child.exitCode !== null || worker.child.signalCode !== null) return resolve();
    worker.child.once("exit", () => resolve());
    worker.child.kill(signal);
  });
}
