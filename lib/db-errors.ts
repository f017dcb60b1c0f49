import { errorChainText } from "./errors";

// How database errors are told apart, wherever they surface (Prisma wraps the driver's error;
// pg's carries a SQLSTATE code).

// The server cannot be reached or is restarting: worth waiting for, and a 503 to clients.
const UNAVAILABLE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|57P01|57P02|57P03|08000|08001|08003|08006|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)|terminating connection|Connection terminated|Can't reach database server|Client has encountered a connection error/;

// Deadlocks and serialisation failures: Postgres aborted one transaction of two, which is safe
// to run again.
const RETRYABLE = /40P01|40001|deadlock detected|could not serialize/;

export function isDatabaseUnavailable(error: unknown): boolean {
  return UNAVAILABLE.test(errorChainText(error));
}

export function isRetryableDbError(error: unknown): boolean {
  return RETRYABLE.test(errorChainText(error));
}

/**
 * Runs `fn`, and while the database is unreachable (a restart, a failover) waits and tries
 * again, up to `maxWaitMs`. Background steps use it so a short outage costs time, not the
 * cells' attempts. `fn` must be safe to run again (every engine statement is).
 */
export async function whileDatabaseRecovers<T>(fn: () => Promise<T>, { maxWaitMs = 120_000 } = {}): Promise<T> {
  const deadline = Date.now() + maxWaitMs;
  let wait = 250;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, 5_000);
    }
  }
}
