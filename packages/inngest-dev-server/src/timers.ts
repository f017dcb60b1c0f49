/** Unwinds a run's driver: the run ended, was cancelled, or the server is stopping. */
export class Stopped extends Error {
  constructor() {
    super("stopped");
  }
}

// setTimeout cannot wait longer than ~24.8 days in one go.
const MAX_TIMEOUT = 2 ** 31 - 1;

/** Resolves at `dueAt` (ms since epoch); rejects with Stopped when `signal` aborts. */
export function sleepUntil(dueAt: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Stopped());
    let timer: NodeJS.Timeout;
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Stopped());
    };
    const arm = () => {
      const wait = dueAt - Date.now();
      if (wait <= 0) {
        signal.removeEventListener("abort", onAbort);
        return resolve();
      }
      timer = setTimeout(arm, Math.min(wait, MAX_TIMEOUT));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    arm();
  });
}

const MAX_BACKOFF_MS = 60_000;

/** Delay before attempt number `attempt` (1 = first retry): 1s, 2s, 4s … capped at 60s. */
export function backoffMs(attempt: number, scale: number, retryAfterMs?: number): number {
  const base = retryAfterMs ?? Math.min(1000 * 2 ** Math.max(0, attempt - 1), MAX_BACKOFF_MS);
  return Math.round(base * scale);
}
