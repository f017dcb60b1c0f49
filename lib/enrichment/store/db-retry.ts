import { isRetryableDbError } from "../../db-errors";

// Deadlocks and serialisation failures are expected under heavy concurrency (two jobs
// touching the same rows in different orders); Postgres aborts one transaction, which is
// safe to run again because every engine statement is guarded by the task's status.

export async function withDbRetry<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts || !isRetryableDbError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 20));
    }
  }
}
