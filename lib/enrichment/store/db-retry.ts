// Deadlocks and serialisation failures are expected under heavy concurrency (two jobs
// touching the same rows in different orders); Postgres aborts one transaction, which is
// safe to run again because every engine statement is guarded by the task's status.

const RETRYABLE = ["40P01", "40001", "deadlock detected", "could not serialize"];

export function isRetryableDbError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; message?: unknown; meta?: unknown; cause?: unknown };
    const text = `${String(e.code ?? "")} ${String(e.message ?? "")} ${JSON.stringify(e.meta ?? "")}`;
    if (RETRYABLE.some((marker) => text.includes(marker))) return true;
    current = e.cause;
  }
  return false;
}

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
