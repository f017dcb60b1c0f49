import "server-only";
import { getPool } from "../db";
import { env } from "../env";
import { AppError } from "../errors";

// Requests per API key per minute. The count itself is taken by the key's lookup
// (lib/auth/credentials.ts), in the same round trip; this decides what it means.

/** 429 with Retry-After (seconds) once the key has used the minute's limit. */
export function enforceApiRate(requests: number, resetIn: number) {
  if (Math.random() < 0.001) {
    // Now and then, forget windows that ended long ago.
    void getPool()
      .query("DELETE FROM api_rate_windows WHERE window_start < now() - interval '10 minutes'")
      .catch(() => {});
  }
  const limit = env.apiRequestsPerMinute;
  if (requests <= limit) return;
  throw new AppError("too_many_requests", `This API key made more than ${limit} requests this minute`, {
    limit,
    retryAfterSeconds: Math.max(1, resetIn),
  });
}
